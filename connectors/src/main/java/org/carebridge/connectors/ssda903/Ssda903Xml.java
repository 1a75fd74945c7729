package org.carebridge.connectors.ssda903;

import org.carebridge.connectors.xml.XmlProlog;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the single-file XML form of an SSDA903 return ({@code EXPSSDA903}) one CHILD at a time. A DOCTYPE is refused
 * before the parser sees the file, so neither external entities (XXE) nor entity expansion can happen; the parser is
 * also set to support no DTD, as a second guard.
 */
final class Ssda903Xml {

    static final String ROOT = "EXPSSDA903";
    static final Set<String> HEADER_LEAVES = Set.of("CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC", "MOTHER", "MC_DOB");
    static final Set<String> EPISODE_LEAVES = Set.of("DECOM", "RNE", "LS", "CIN", "PL", "PL_POST", "HOME_POST", "URN",
            "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE", "PL_LA");
    static final Set<String> MISSING_LEAVES = Set.of("MISSING", "MIS_START", "MIS_END");
    static final Set<String> IGNORED_GROUPS = Set.of("AREVIEW", "PERMANENCE", "OC2", "OC3", "UASC", "AD1", "PREVPERM",
            "PLACEDADOPTION", "SWEPISODE", "SWEPISODES");
    private static final Map<String, String> CANONICAL = Map.of("CHILDID", "CHILD", "PL", "PLACE");

    private final Ssda903Mapper mapper;
    private final Ssda903Settings settings;
    private final Consumer<RowOutcome> out;
    private final Set<String> warned = new LinkedHashSet<>();

    /** An element with its leaf values and child groups, and the line it starts on. */
    private record Group(String name, long line, Map<String, String> leaves, List<Group> groups) {
    }

    Ssda903Xml(Ssda903Mapper mapper, Ssda903Settings settings, Consumer<RowOutcome> out) {
        this.mapper = mapper;
        this.settings = settings;
        this.out = out;
    }

    void read(InputStream raw) {
        XmlProlog.read(raw, ROOT, Ssda903Refused::new, xml -> {
            int event = next(xml);
            if (event != XMLStreamConstants.START_ELEMENT || !ROOT.equals(xml.getLocalName())) {
                throw new Ssda903Refused("the root element must be " + ROOT);
            }
            while ((event = next(xml)) != XMLStreamConstants.END_ELEMENT) {
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                Group group = group(xml);
                if ("CHILD".equals(group.name())) {
                    child(group);
                } else {
                    warnOnce(group.name(), "element " + shown(group.name()) + " is not part of an SSDA903 return; ignored");
                }
            }
        });
    }

    private static int next(XMLStreamReader xml) throws XMLStreamException {
        return XmlProlog.next(xml, Ssda903Refused::new);
    }

    /** Reads the element the reader is on, to its end. A CHILD is small: one child's header, episodes and missing rows. */
    private Group group(XMLStreamReader xml) throws XMLStreamException {
        String name = xml.getLocalName();
        long line = xml.getLocation().getLineNumber();
        Map<String, String> leaves = new HashMap<>();
        List<Group> groups = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        boolean hasChildren = false;
        while (true) {
            int event = next(xml);
            if (event == XMLStreamConstants.START_ELEMENT) {
                hasChildren = true;
                Group child = group(xml);
                if (child.groups().isEmpty() && child.leaves().size() == 1 && child.leaves().containsKey("#text")) {
                    leaves.put(child.name(), child.leaves().get("#text"));
                } else if (child.groups().isEmpty() && child.leaves().isEmpty()) {
                    leaves.put(child.name(), "");
                } else {
                    groups.add(child);
                }
            } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                text.append(xml.getText());
                if (text.length() > 4096) {
                    throw new Ssda903Refused("element " + shown(name) + " on line " + line + " holds more than 4096 characters");
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                break;
            }
        }
        if (!hasChildren && !text.isEmpty()) {
            leaves.put("#text", text.toString());
        }
        return new Group(name, line, leaves, groups);
    }

    private void child(Group child) {
        Group header = child.groups().stream().filter(g -> g.name().equals("HEADER")).findFirst().orElse(null);
        if (header == null) {
            out.accept(RowOutcome.refused("CHILD", child.line(), "HEADER", "the CHILD has no HEADER"));
            return;
        }
        Ssda903Mapper.Child facts = null;
        try {
            facts = mapper.child(fields(header, HEADER_LEAVES));
            out.accept(new RowOutcome("HEADER", header.line(), RowOutcome.Status.READ, null,
                    "the child's details, used by the EPISODE and AMISSING rows", null, null, null));
        } catch (RowProblem problem) {
            out.accept(RowOutcome.refused("HEADER", header.line(), problem.column(), problem.getMessage()));
        }
        List<Ssda903Mapper.Placement> placements = new ArrayList<>();
        List<Group> missing = new ArrayList<>();
        for (Group group : header.groups()) {
            if (group.name().equals("AMISSING")) {
                missing.add(group);
            } else if (IGNORED_GROUPS.contains(group.name())) {
                warnOnce(group.name(), "element " + group.name() + " is not needed for the flows CareBridge carries; ignored");
            } else {
                unknown("HEADER", group.name());
            }
        }
        for (Group group : child.groups()) {
            switch (group.name()) {
                case "HEADER" -> { }
                case "EPISODE" -> {
                    Fields fields = withChild(fields(group, EPISODE_LEAVES), header);
                    Ssda903Mapper.EpisodeRow row = mapper.episode("EPISODE", group.line(), fields, facts);
                    if (row.placement() != null) {
                        placements.add(row.placement());
                    }
                    out.accept(row.outcome());
                }
                default -> {
                    if (IGNORED_GROUPS.contains(group.name())) {
                        warnOnce(group.name(), "element " + group.name() + " is not needed for the flows CareBridge carries; ignored");
                    } else {
                        unknown("CHILD", group.name());
                    }
                }
            }
        }
        for (Group group : missing) {
            out.accept(mapper.missing("AMISSING", group.line(), withChild(fields(group, MISSING_LEAVES), header), facts, placements));
        }
    }

    /** EPISODE and AMISSING rows carry no child id of their own: it is the HEADER's CHILDID. */
    private static Fields withChild(Fields fields, Group header) {
        Map<String, String> values = new HashMap<>(fields.values());
        values.put("CHILD", header.leaves().get("CHILDID"));
        return new Fields(values, fields.labels());
    }

    private Fields fields(Group group, Set<String> known) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> labels = new HashMap<>();
        for (Map.Entry<String, String> leaf : group.leaves().entrySet()) {
            if (!known.contains(leaf.getKey())) {
                unknown(group.name(), leaf.getKey());
                continue;
            }
            String canonical = CANONICAL.getOrDefault(leaf.getKey(), leaf.getKey());
            values.put(canonical, leaf.getValue());
            labels.put(canonical, leaf.getKey());
        }
        return new Fields(values, labels);
    }

    private void unknown(String parent, String element) {
        String message = "element " + shown(element) + " is not an SSDA903 " + parent + " element";
        if (settings.unknownColumns() == Ssda903Settings.UnknownColumns.REFUSE) {
            throw new Ssda903Refused(message);
        }
        warnOnce(parent + "/" + element, message + "; ignored");
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            out.accept(RowOutcome.warning("XML", message));
        }
    }

    private static String shown(String name) {
        return name.matches("[A-Za-z0-9_]{1,40}") ? name : "(an element name that is not an SSDA903 name)";
    }
}
