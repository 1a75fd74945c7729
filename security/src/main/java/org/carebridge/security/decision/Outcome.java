package org.carebridge.security.decision;

/** What the gateway decided for one candidate recipient. */
public enum Outcome {
    PERMIT,
    DENY,
    /** Shared without the consent the rule asks for, on the sender's safeguarding justification; IG reviews it. */
    PERMIT_BY_OVERRIDE
}
