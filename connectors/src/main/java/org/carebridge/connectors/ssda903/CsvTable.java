package org.carebridge.connectors.ssda903;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one CSV table row by row (RFC 4180 quoting), as case systems export them: a UTF-8 byte-order mark, Windows or
 * Unix line ends and trailing empty lines are tolerated. Only the current row is held in memory.
 */
final class CsvTable {

    /** One data row: the line it starts on (1 is the heading line) and its values, in column order. */
    record Row(long line, List<String> values, boolean lastLineUnterminated) {
    }

    private final Reader in;
    private final String table;
    private long line = 1;
    private int pushedBack = -2;
    private boolean first = true;

    CsvTable(Reader in, String table) {
        this.in = in;
        this.table = table;
    }

    /** The heading line, or null when the table is empty. */
    List<String> headings() throws IOException {
        Row row = next();
        if (row == null) {
            return null;
        }
        List<String> headings = new ArrayList<>();
        for (String value : row.values()) {
            headings.add(value.trim().toUpperCase(java.util.Locale.ROOT));
        }
        return headings;
    }

    /** The next row that is not empty, or null at the end of the table. */
    Row next() throws IOException {
        while (true) {
            long start = line;
            List<String> values = new ArrayList<>();
            StringBuilder value = new StringBuilder();
            boolean quoted = false;
            boolean any = false;
            int c;
            while (true) {
                c = read();
                if (c == -1) {
                    if (quoted) {
                        throw new Ssda903Refused("table " + table + " is truncated: a quoted value opened on line " + start + " never closes");
                    }
                    break;
                }
                any = true;
                if (quoted) {
                    if (c == '"') {
                        int n = read();
                        if (n == '"') {
                            value.append('"');
                        } else {
                            quoted = false;
                            unread(n);
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        value.append((char) c);
                    }
                } else if (c == '"' && value.isEmpty()) {
                    quoted = true;
                } else if (c == ',') {
                    values.add(value.toString());
                    value.setLength(0);
                } else if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        unread(n);
                    }
                    line++;
                    break;
                } else if (c == '\n') {
                    line++;
                    break;
                } else {
                    value.append((char) c);
                }
            }
            if (!any) {
                return null;
            }
            values.add(value.toString());
            boolean blank = values.stream().allMatch(String::isBlank);
            if (blank) {
                if (c == -1) {
                    return null;
                }
                continue;
            }
            return new Row(start, values, c == -1);
        }
    }

    private int read() throws IOException {
        int c;
        if (pushedBack != -2) {
            c = pushedBack;
            pushedBack = -2;
        } else {
            c = in.read();
        }
        if (first) {
            first = false;
            if (c == '\uFEFF') {
                return read();
            }
        }
        return c;
    }

    private void unread(int c) {
        pushedBack = c;
    }
}
