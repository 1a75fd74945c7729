package org.carebridge.gateway.intake;

import org.carebridge.security.partner.Partner;

/** A body a partner posted (or the gateway originated), before anything has been checked. */
public record IntakeRequest(Partner sender, String contentType, byte[] body, String protection) {

    /** @param protection how the body reached us (signed, encrypted, plain), for the ledger; null when the gateway made it */
    public IntakeRequest(Partner sender, String contentType, byte[] body) {
        this(sender, contentType, body, null);
    }
}
