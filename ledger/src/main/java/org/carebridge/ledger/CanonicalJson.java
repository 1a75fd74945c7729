package org.carebridge.ledger;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the ledger's canonical JSON: fields in the order written, null values omitted, no whitespace, strings escaped
 * minimally: {@code \"}, {@code \\}, and control characters as {@code \b \f \n \r \t} where they apply, else as a
 * backslash-u escape with four lower-case hex digits. Everything else is written as it is.
 */
public final class CanonicalJson {

    /** Sized for a ledger entry, so the builder does not grow copy by copy as the fields are written. */
    private final StringBuilder json = new StringBuilder(512).append('{');

    public CanonicalJson text(String name, String value) {
        if (value != null) {
            name(name);
            quote(value, json);
        }
        return this;
    }

    public CanonicalJson integer(String name, Long value) {
        if (value != null) {
            name(name).append(value.longValue());
        }
        return this;
    }

    /** Always written, even when empty. */
    public CanonicalJson texts(String name, List<String> values) {
        name(name).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            quote(values.get(i), json);
        }
        json.append(']');
        return this;
    }

    @Override
    public String toString() {
        String written = json.append('}').toString();
        json.setLength(json.length() - 1);
        return written;
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    private StringBuilder name(String name) {
        if (json.length() > 1) {
            json.append(',');
        }
        quote(name, json);
        return json.append(':');
    }

    static void quote(String value, StringBuilder out) {
        out.append('"');
        if (plain(value)) {
            // nearly every value (ids, codes, times, hex keys): nothing to escape, so written whole, not char by char
            out.append(value).append('"');
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isSurrogate(c) && !isPairAt(value, i)) {
                        // UTF-8 cannot encode it; two different strings would give the same bytes
                        throw new IllegalArgumentException("unpaired surrogate at index " + i);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Whether the value has nothing {@link #quote} would escape or check: no control character, quote, backslash or surrogate. */
    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPairAt(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
}
