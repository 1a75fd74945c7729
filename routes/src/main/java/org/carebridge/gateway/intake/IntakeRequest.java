package org.carebridge.gateway.intake;

import org.carebridge.security.partner.Partner;

/** A body a partner posted, before anything has been checked. */
public record IntakeRequest(Partner sender, String contentType, byte[] body) {
}
