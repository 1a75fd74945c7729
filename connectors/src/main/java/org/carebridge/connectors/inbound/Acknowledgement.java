package org.carebridge.connectors.inbound;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The answer to one inbound file: one line per row (accepted, duplicate, refused, skipped, read, warning), with the
 * line, column and what is wrong, never a value from the file. Written beside the partner's outbox as CSV.
 *
 * <p>A large file has millions of rows: past {@link #KEPT_IN_MEMORY} lines they are kept in a temporary file
 * (deleted on {@link #close}), so the answer to a file does not grow the heap with the file.
 */
public final class Acknowledgement implements AutoCloseable {

    public enum Outcome { ACCEPTED, DUPLICATE, REFUSED, SKIPPED, READ, WARNING }

    /** Lines held in memory before the rest go to a temporary file. */
    static final int KEPT_IN_MEMORY = 10_000;

    /** One row's result. {@code trackingId} is the record's, for accepted and duplicate rows. */
    public record Line(String table, long line, Outcome outcome, String column, String detail, String event,
                       String messageId, String trackingId) {
    }

    private final String fileName;
    private final List<Line> lines = new ArrayList<>();
    private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    private String fileProblem;
    private Path spill;
    private DataOutputStream spilled;

    public Acknowledgement(String fileName) {
        this.fileName = fileName;
    }

    void add(Line line) {
        counts.merge(line.outcome(), 1L, Long::sum);
        if (spilled == null && lines.size() < KEPT_IN_MEMORY) {
            lines.add(line);
            return;
        }
        try {
            if (spilled == null) {
                spill = Files.createTempFile("carebridge-ack-", ".bin");
                spilled = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spill), 64 * 1024));
            }
            write(spilled, line);
        } catch (IOException e) {
            throw new UncheckedIOException("the acknowledgement cannot be written to a temporary file", e);
        }
    }

    void refuseFile(String problem) {
        this.fileProblem = problem;
        lines.clear();
        counts.clear();
        close();
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

    /** Every line, in memory: for an answer known to be small (a posted file); else {@link #writeCsv}. */
    public List<Line> lines() {
        List<Line> all = new ArrayList<>();
        forEach(all::add);
        return all;
    }

    public Map<Outcome, Long> counts() {
        return new EnumMap<>(counts);
    }

    /** For the ledger and the first line of the file: counts only. */
    public String summary() {
        if (refused()) {
            return "file refused: " + fileProblem;
        }
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase())
                .collect(Collectors.joining(", "));
    }

    public String csv() {
        StringWriter out = new StringWriter();
        try {
            writeCsv(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The CSV, a line at a time. */
    public void writeCsv(Writer out) throws IOException {
        StringBuilder row = new StringBuilder("table,line,outcome,column,detail,event,message_id,tracking_id\r\n");
        row(row, "FILE", 0, refused() ? "refused" : "processed", null, summary(), null, null, null);
        out.append(row);
        try {
            forEach(l -> {
                row.setLength(0);
                row(row, l.table(), l.line(), l.outcome().name().toLowerCase(), l.column(), l.detail(), l.event(), l.messageId(),
                        l.trackingId());
                try {
                    out.append(row);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Deletes the temporary file, if the answer needed one. */
    @Override
    public void close() {
        try {
            if (spilled != null) {
                spilled.close();
            }
            if (spill != null) {
                Files.deleteIfExists(spill);
            }
        } catch (IOException e) {
            // a temporary file of line outcomes (no personal data) left for the system to clean
        } finally {
            spilled = null;
            spill = null;
        }
    }

    private void forEach(Consumer<Line> each) {
        lines.forEach(each);
        if (spilled == null) {
            return;
        }
        try {
            spilled.flush();
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spill), 64 * 1024))) {
                while (true) {
                    Line line;
                    try {
                        line = read(in);
                    } catch (EOFException end) {
                        return;
                    }
                    each.accept(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the acknowledgement's temporary file cannot be read", e);
        }
    }

    private static void write(DataOutputStream out, Line line) throws IOException {
        out.writeUTF(line.table());
        out.writeLong(line.line());
        out.writeByte(line.outcome().ordinal());
        for (String text : new String[]{line.column(), line.detail(), line.event(), line.messageId(), line.trackingId()}) {
            out.writeBoolean(text != null);
            if (text != null) {
                out.writeUTF(text);
            }
        }
    }

    private static Line read(DataInputStream in) throws IOException {
        String table = in.readUTF();
        long number = in.readLong();
        Outcome outcome = Outcome.values()[in.readByte()];
        String[] text = new String[5];
        for (int i = 0; i < text.length; i++) {
            text[i] = in.readBoolean() ? in.readUTF() : null;
        }
        return new Line(table, number, outcome, text[0], text[1], text[2], text[3], text[4]);
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
