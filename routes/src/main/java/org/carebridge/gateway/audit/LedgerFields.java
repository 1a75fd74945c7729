package org.carebridge.gateway.audit;

/**
 * What may become a ledger field. The ledger cannot be erased, so callers write codes, ids and counts there, never what
 * someone typed; as a last guard every text field is bounded and stripped of control characters before it is chained.
 */
public final class LedgerFields {

    public static final int MAX_LENGTH = 512;

    private LedgerFields() {
    }

    public static String bounded(String value) {
        if (value == null) {
            return null;
        }
        String clean = value;
        for (int i = 0; i < value.length(); i++) {
            if (isControl(value.charAt(i))) {
                // rare: codes and ids have none, so the usual value is returned as it is, with nothing allocated
                char[] chars = value.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (isControl(chars[j])) {
                        chars[j] = ' ';
                    }
                }
                clean = new String(chars);
                break;
            }
        }
        return clean.length() <= MAX_LENGTH ? clean : clean.substring(0, MAX_LENGTH - 1) + "…";
    }

    /** The characters {@code \p{Cntrl}} matches: C0 controls and DEL. */
    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }
}
