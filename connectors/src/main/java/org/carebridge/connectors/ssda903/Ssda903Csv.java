package org.carebridge.connectors.ssda903;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the CSV tables of an SSDA903 return: Header first (one row per child, kept as a small index), then Episodes and
 * Missing row by row. Other tables are ignored, and the outcome says so.
 */
final class Ssda903Csv {

    static final Map<String, List<String>> COLUMNS = Map.of(
            "Header", List.of("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
            "Episodes", List.of("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN", "PL_LA"),
            "Missing", List.of("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"));
    static final Map<String, List<String>> REQUIRED = Map.of(
            "Header", List.of("CHILD", "SEX", "DOB"),
            "Episodes", List.of("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE"),
            "Missing", List.of("CHILD", "MISSING", "MIS_START"));
    static final List<String> IGNORED = List.of("Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption", "PrevPerm",
            "SWEpisodes");

    private final Ssda903Mapper mapper;
    private final Ssda903Settings settings;
    private final Consumer<RowOutcome> out;
    private final Map<String, Ssda903Mapper.Child> children = new HashMap<>();
    private final Map<String, List<Ssda903Mapper.Placement>> placements = new HashMap<>();

    Ssda903Csv(Ssda903Mapper mapper, Ssda903Settings settings, Consumer<RowOutcome> out) {
        this.mapper = mapper;
        this.settings = settings;
        this.out = out;
    }

    void read(Ssda903Tables tables) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : tables.names()) {
            String table = tableOf(name);
            if (table == null) {
                out.accept(RowOutcome.warning(name.replaceAll(".*/", ""), "not an SSDA903 table; ignored"));
            } else if (IGNORED.contains(table)) {
                out.accept(RowOutcome.warning(table, "table " + table + " is not needed for the flows CareBridge carries; ignored"));
            } else if (found.put(table, name) != null) {
                throw new Ssda903Refused("the " + table + " table appears twice");
            }
        }
        if (!found.containsKey("Header")) {
            throw new Ssda903Refused("the Header table is missing");
        }
        if (!found.containsKey("Episodes") && !found.containsKey("Missing")) {
            throw new Ssda903Refused("there is neither an Episodes nor a Missing table");
        }
        for (String table : List.of("Header", "Episodes", "Missing")) {
            if (found.containsKey(table)) {
                try (Reader reader = new BufferedReader(tables.open(found.get(table)), 64 * 1024)) {
                    readTable(table, new CsvTable(reader, table));
                } catch (CharacterCodingException e) {
                    throw new Ssda903Refused("table " + table + " is not UTF-8 text");
                } catch (IOException e) {
                    throw new Ssda903Refused("table " + table + " cannot be read to its end (truncated or damaged)");
                }
            }
        }
    }

    /** {@code Header.csv}, {@code episodes.csv}, {@code SSDA903_2026_Missing.csv}: the table is the last word of the name. */
    static String tableOf(String fileName) {
        String base = fileName.replaceAll(".*/", "");
        if (!base.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return null;
        }
        String stem = base.substring(0, base.length() - 4);
        String last = stem.replaceAll(".*[_\\- ]", "").toLowerCase(Locale.ROOT);
        for (String table : COLUMNS.keySet()) {
            if (table.toLowerCase(Locale.ROOT).equals(last)) {
                return table;
            }
        }
        for (String table : IGNORED) {
            if (table.toLowerCase(Locale.ROOT).equals(last)) {
                return table;
            }
        }
        return null;
    }

    private void readTable(String table, CsvTable csv) throws IOException {
        List<String> headings = csv.headings();
        if (headings == null) {
            throw new Ssda903Refused("table " + table + " is empty: it has no heading line");
        }
        checkHeadings(table, headings);
        CsvTable.Row row;
        while ((row = csv.next()) != null) {
            if (row.values().size() != headings.size()) {
                if (row.lastLineUnterminated() && row.values().size() < headings.size()) {
                    throw new Ssda903Refused("table " + table + " is truncated: its last line (" + row.line() + ") ends part-way");
                }
                out.accept(RowOutcome.refused(table, row.line(), null, "the row has " + row.values().size()
                        + " values but the heading line has " + headings.size()));
                continue;
            }
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < headings.size(); i++) {
                values.put(headings.get(i), row.values().get(i));
            }
            Fields fields = new Fields(values, Map.of());
            switch (table) {
                case "Header" -> header(row.line(), fields);
                case "Episodes" -> {
                    String child = fields.text("CHILD");
                    Ssda903Mapper.EpisodeRow episode = mapper.episode(table, row.line(), fields, child == null ? null : children.get(child));
                    if (episode.placement() != null) {
                        remember(child, episode.placement());
                    }
                    out.accept(episode.outcome());
                }
                default -> {
                    String child = fields.text("CHILD");
                    out.accept(mapper.missing(table, row.line(), fields, child == null ? null : children.get(child),
                            child == null ? List.of() : placements.getOrDefault(child, List.of())));
                }
            }
        }
    }

    /**
     * Keeps what a later missing row can need: every placement from the first new day on, and of the older ones only the
     * latest (the placement a child was in when the window opened). So the index grows with children and recent
     * episodes, not with the file.
     */
    private void remember(String child, Ssda903Mapper.Placement placement) {
        List<Ssda903Mapper.Placement> history = placements.computeIfAbsent(child, c -> new ArrayList<>(2));
        if (!placement.start().isBefore(settings.newSince())) {
            history.add(placement);
            return;
        }
        for (int i = 0; i < history.size(); i++) {
            Ssda903Mapper.Placement kept = history.get(i);
            if (kept.start().isBefore(settings.newSince())) {
                if (kept.start().isBefore(placement.start())) {
                    history.set(i, placement);
                }
                return;
            }
        }
        history.add(placement);
    }

    private void header(long line, Fields fields) {
        try {
            Ssda903Mapper.Child child = mapper.child(fields);
            if (children.putIfAbsent(child.id(), child) != null) {
                out.accept(RowOutcome.refused("Header", line, "CHILD", "the child appears on an earlier Header row; this row is ignored"));
                return;
            }
            out.accept(new RowOutcome("Header", line, RowOutcome.Status.READ, null,
                    "the child's details, used by the Episodes and Missing rows", null, null, null));
        } catch (RowProblem problem) {
            out.accept(RowOutcome.refused("Header", line, problem.column(), problem.getMessage()));
        }
    }

    private void checkHeadings(String table, List<String> headings) {
        Set<String> seen = new LinkedHashSet<>();
        for (String heading : headings) {
            if (!seen.add(heading)) {
                throw new Ssda903Refused("table " + table + ": column " + heading + " appears twice");
            }
        }
        for (String required : REQUIRED.get(table)) {
            if (!seen.contains(required)) {
                throw new Ssda903Refused("table " + table + ": the required column " + required + " is missing");
            }
        }
        for (String heading : headings) {
            if (!COLUMNS.get(table).contains(heading)) {
                String shown = heading.matches("[A-Z0-9_]{1,40}") ? heading : "(a heading that is not a column name)";
                if (settings.unknownColumns() == Ssda903Settings.UnknownColumns.REFUSE) {
                    throw new Ssda903Refused("table " + table + ": column " + shown + " is not an SSDA903 " + table + " column");
                }
                out.accept(RowOutcome.warning(table, "column " + shown + " is not an SSDA903 " + table + " column; ignored"));
            }
        }
    }
}
