package org.carebridge.security.agreement;

import java.util.Arrays;
import java.util.Optional;

/** Which area a recipient must serve, relative to the message. */
public enum AreaRole {
    /** The area the child lives in now (a placement's address). */
    RECEIVING("receiving"),
    /** The responsible (placing, home) authority's area. */
    RESPONSIBLE("responsible"),
    /** The sender's own area. */
    SENDER("sender"),
    /** Any area. */
    ANY("any");

    private final String code;

    AreaRole(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<AreaRole> fromCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
    }

    public static String codes() {
        return Arrays.stream(values()).map(AreaRole::code).toList().toString();
    }
}
