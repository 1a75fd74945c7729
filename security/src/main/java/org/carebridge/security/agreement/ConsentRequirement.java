package org.carebridge.security.agreement;

import java.util.Arrays;
import java.util.Optional;

/** Whether the subject's consent gates a rule. */
public enum ConsentRequirement {
    /** A statutory duty or safeguarding share: consent is not the basis. */
    NOT_REQUIRED("not-required"),
    /** Only with consent given and not withdrawn. */
    REQUIRED("required"),
    /** With consent; without it only when the sender asserts a safeguarding override, which IG then reviews. */
    REQUIRED_UNLESS_SAFEGUARDING("required-unless-safeguarding");

    private final String code;

    ConsentRequirement(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<ConsentRequirement> fromCode(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }
}
