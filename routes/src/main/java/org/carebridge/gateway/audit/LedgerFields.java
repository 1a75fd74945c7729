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
        String clean = value.replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= MAX_LENGTH ? clean : clean.substring(0, MAX_LENGTH - 1) + "…";
    }
}
