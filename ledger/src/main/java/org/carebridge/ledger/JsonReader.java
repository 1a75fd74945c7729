package org.carebridge.ledger;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny reader for the ledger's flat JSON objects: string, integer, null and array-of-string values only. It accepts
 * any standard JSON escapes and whitespace between tokens; it rejects duplicate and unknown fields.
 */
final class JsonReader {

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    static Fields readObject(String json, List<String> knownFields) {
        JsonReader reader = new JsonReader(json);
        reader.skipWhitespace();
        Map<String, Object> values = reader.object();
        reader.skipWhitespace();
        if (reader.pos != json.length()) {
            throw reader.error("unexpected text after the object");
        }
        for (String name : values.keySet()) {
            if (!knownFields.contains(name)) {
                throw new IllegalArgumentException("unknown field \"" + name + "\"");
            }
        }
        return new Fields(values);
    }

    /** The fields of one object; a JSON null and an absent field both read as null. */
    record Fields(Map<String, Object> values) {

        String text(String name) {
            String value = optionalText(name);
            if (value == null) {
                throw new IllegalArgumentException("missing field \"" + name + "\"");
            }
            return value;
        }

        String optionalText(String name) {
            return typed(name, String.class, "a string");
        }

        long integer(String name) {
            Long value = typed(name, Long.class, "an integer");
            if (value == null) {
                throw new IllegalArgumentException("missing field \"" + name + "\"");
            }
            return value;
        }

        Integer optionalInteger(String name) {
            Long value = typed(name, Long.class, "an integer");
            if (value != null && value.intValue() != value) {
                throw new IllegalArgumentException("field \"" + name + "\" is out of range");
            }
            return value == null ? null : value.intValue();
        }

        @SuppressWarnings("unchecked")
        List<String> texts(String name) {
            List<String> value = typed(name, List.class, "an array of strings");
            if (value == null) {
                throw new IllegalArgumentException("missing field \"" + name + "\"");
            }
            return value;
        }

        private <T> T typed(String name, Class<T> type, String what) {
            Object value = values.get(name);
            if (value != null && !type.isInstance(value)) {
                throw new IllegalArgumentException("field \"" + name + "\" is not " + what);
            }
            return type.cast(value);
        }
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> values = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return values;
        }
        do {
            skipWhitespace();
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value();
            if (values.containsKey(name)) {
                throw error("duplicate field \"" + name + "\"");
            }
            values.put(name, value);
            skipWhitespace();
        } while (accept(','));
        expect('}');
        return values;
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '[') {
            return strings();
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return integer();
        }
        if (text.startsWith("null", pos)) {
            pos += 4;
            return null;
        }
        throw error("expected a string, an integer, null or an array of strings");
    }

    private List<String> strings() {
        expect('[');
        List<String> values = new ArrayList<>();
        skipWhitespace();
        if (accept(']')) {
            return values;
        }
        do {
            skipWhitespace();
            values.add(string());
            skipWhitespace();
        } while (accept(','));
        expect(']');
        return values;
    }

    private Long integer() {
        int start = pos;
        accept('-');
        int digits = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        int count = pos - digits;
        if (count == 0 || (count > 1 && text.charAt(digits) == '0')) {
            throw error("malformed integer");
        }
        if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            throw error("only integers are allowed");
        }
        try {
            return Long.parseLong(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("integer out of range");
        }
    }

    private String string() {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return value.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character in a string");
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            char escape = next();
            switch (escape) {
                case '"', '\\', '/' -> value.append(escape);
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'u' -> {
                    String hex = text.substring(pos, Math.min(pos + 4, text.length()));
                    if (hex.length() < 4 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
                        throw error("malformed \\u escape");
                    }
                    value.append((char) HexFormat.fromHexDigits(hex));
                    pos += 4;
                }
                default -> throw error("unknown escape \\" + escape);
            }
        }
    }

    private void skipWhitespace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private boolean accept(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + (pos + 1));
    }
}
