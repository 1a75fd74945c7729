package org.carebridge.gateway.admin;

/** The reason a person gives for a change: required, one short paragraph. */
public final class Reasons {

    public static final int MAX = 500;

    private Reasons() {
    }

    public static String check(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new Refused("reason", "Enter a reason");
        }
        String text = reason.strip();
        if (text.length() > MAX) {
            throw new Refused("reason", "The reason must be " + MAX + " characters or fewer");
        }
        return text;
    }
}
