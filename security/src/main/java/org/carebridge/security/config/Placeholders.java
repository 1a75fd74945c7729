package org.carebridge.security.config;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves {@code ${name}} and {@code ${name:default}} in configuration values. */
public final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    private Placeholders() {
    }

    public static String resolve(String value, UnaryOperator<String> lookup) {
        if (value == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String found = lookup.apply(m.group(1));
            if (found == null) {
                found = m.group(2);
            }
            if (found == null) {
                throw new IllegalArgumentException("unresolved placeholder ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(found));
        }
        m.appendTail(out);
        return out.toString();
    }
}
