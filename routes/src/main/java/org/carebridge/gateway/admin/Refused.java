package org.carebridge.gateway.admin;

/** A request that changes nothing because it is wrong; the message says what to fix and is safe to show and to log. */
public class Refused extends RuntimeException {

    private final String field;

    public Refused(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    /** The form field or JSON property at fault, or null. */
    public String field() {
        return field;
    }
}
