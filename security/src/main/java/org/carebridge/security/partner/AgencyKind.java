package org.carebridge.security.partner;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of agency that take part in the protocols. */
public enum AgencyKind {
    POLICE("police"),
    CHILDRENS_SERVICES("childrens-services"),
    HEALTH("health"),
    VIRTUAL_SCHOOL("virtual-school"),
    YOUTH_JUSTICE("youth-justice"),
    /** The children's services front door: multi-agency safeguarding hub, advice and duty service, emergency duty team. */
    SAFEGUARDING_HUB("safeguarding-hub"),
    REGULATOR("regulator"),
    /** Bodies that oversee the protocol (corporate parenting board, district police leads): aggregate reports only. */
    OVERSIGHT("oversight");

    private final String code;

    AgencyKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<AgencyKind> fromCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code.equals(code)).findFirst();
    }

    public static String codes() {
        return Arrays.stream(values()).map(AgencyKind::code).toList().toString();
    }
}
