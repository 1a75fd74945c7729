package org.carebridge.security.decision;

import org.carebridge.security.partner.Partner;

/**
 * The decision for one candidate recipient, with everything needed to explain it afterwards.
 *
 * @param reason a stable code: permitted, permitted-with-consent, permitted-by-override, agreement-not-in-force,
 *               condition-not-met, condition-error (the rule's condition could not be evaluated), no-consent,
 *               consent-withdrawn, consent-refused, no-agreement (an addressed partner no rule covers; agreement and
 *               rule are then {@code "none"})
 * @param explanation the decision in a sentence an information-governance officer can read; no personal data
 * @param consentReference the Consent (with version) the decision relied on, or null
 * @param profile the field profile of the copy, for a permit
 */
public record Decision(Partner recipient, Outcome outcome, String reason, String explanation, String agreementId,
                       int agreementVersion, String ruleId, String lawfulBasis, String consentReference, String profile,
                       SafeguardingOverride override) {

    public boolean shares() {
        return outcome != Outcome.DENY;
    }
}
