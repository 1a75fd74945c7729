package org.carebridge.gateway.intake;

import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A body a partner posted (or the gateway originated), before anything has been checked.
 *
 * @param body   the body as received; null for a message an adapter mapped, which is {@code mapped}
 * @param mapped the canonical message an adapter built from a partner's own format (its JSON is written once, at
 *               intake, and never parsed back), or null for a body that came as FHIR
 */
public record IntakeRequest(Partner sender, String contentType, byte[] body, String protection, Bundle mapped) {

    /** @param protection how the body reached us (signed, encrypted, plain), for the ledger; null when the gateway made it */
    public IntakeRequest(Partner sender, String contentType, byte[] body, String protection) {
        this(sender, contentType, body, protection, null);
    }

    public IntakeRequest(Partner sender, String contentType, byte[] body) {
        this(sender, contentType, body, null, null);
    }

    /** A message an adapter mapped, from the partner its transport authenticated; {@code via} as {@code protection}. */
    public static IntakeRequest mapped(Partner sender, Bundle message, String via) {
        return new IntakeRequest(sender, "application/fhir+json", null, via, message);
    }
}
