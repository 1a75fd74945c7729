package org.carebridge.security.agreement;

import org.carebridge.security.partner.Partner;

/** A partner that may receive a copy of a message, and the agreement rule that allows it. */
public record Recipient(Partner partner, String agreementId, int agreementVersion, String ruleId) {
}
