package org.carebridge.connectors.inbound;

import java.util.regex.Pattern;

/**
 * Which names a file fetched from a partner may have. A name is used for the local copy, the done or error folder and
 * the acknowledgement, so anything that could climb out of a folder (a separator, {@code ..}) or hide (a leading dot,
 * as partners' part-written files do) is refused.
 */
public final class InboundFileNames {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,199}");

    private InboundFileNames() {
    }

    /** Why the name is refused, or null when it is a plain name. Never echoes the name. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "the file has no name";
        }
        if (name.contains("/") || name.contains("\\") || name.contains("..") || name.indexOf('\0') >= 0) {
            return "the file name could reach outside its folder (path traversal); not fetched";
        }
        if (!PLAIN.matcher(name).matches()) {
            return "the file name is not plain (letters, digits, '.', '_', '-', ' '; not starting with '.'); not fetched";
        }
        return null;
    }

    public static boolean plain(String name) {
        return problem(name) == null;
    }
}
