package org.carebridge.connectors.inbound;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The answer to one inbound file: one line per row (accepted, duplicate, refused, skipped, read, warning), with the
 * line, column and what is wrong, never a value from the file. Written beside the partner's outbox as CSV.
 */
public final class Acknowledgement {

    public enum Outcome { ACCEPTED, DUPLICATE, REFUSED, SKIPPED, READ, WARNING }

    /** One row's result. {@code trackingId} is the record's, for accepted and duplicate rows. */
    public record Line(String table, long line, Outcome outcome, String column, String detail, String event,
                       String messageId, String trackingId) {
    }

    private final String fileName;
    private final List<Line> lines = new ArrayList<>();
    private String fileProblem;

    public Acknowledgement(String fileName) {
        this.fileName = fileName;
    }

    void add(Line line) {
        lines.add(line);
    }

    void refuseFile(String problem) {
        this.fileProblem = problem;
        lines.clear();
    }

    public String fileName() {
        return fileName;
    }

    /** The file as a whole was refused: nothing in it was passed on. */
    public boolean refused() {
        return fileProblem != null;
    }

    public String fileProblem() {
        return fileProblem;
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    public Map<Outcome, Long> counts() {
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        lines.forEach(l -> counts.merge(l.outcome(), 1L, Long::sum));
        return counts;
    }

    /** For the ledger and the first line of the file: counts only. */
    public String summary() {
        if (refused()) {
            return "file refused: " + fileProblem;
        }
        return counts().entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase())
                .collect(Collectors.joining(", "));
    }

    public String csv() {
        StringBuilder out = new StringBuilder("table,line,outcome,column,detail,event,message_id,tracking_id\r\n");
        row(out, "FILE", 0, refused() ? "refused" : "processed", null, summary(), null, null, null);
        for (Line l : lines) {
            row(out, l.table(), l.line(), l.outcome().name().toLowerCase(), l.column(), l.detail(), l.event(), l.messageId(), l.trackingId());
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String table, long line, String outcome, String column, String detail, String event,
                            String messageId, String trackingId) {
        out.append(cell(table)).append(',').append(line).append(',').append(outcome).append(',').append(cell(column)).append(',')
                .append(cell(detail)).append(',').append(cell(event)).append(',').append(cell(messageId)).append(',')
                .append(cell(trackingId)).append("\r\n");
    }

    private static String cell(String value) {
        if (value == null) {
            return "";
        }
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
