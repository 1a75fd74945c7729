package org.carebridge.security.partner;

import java.net.URI;

/** Where and how a partner receives its copies. */
public record PartnerEndpoint(URI url, Transport transport, String format) {

    /** The URL a copy is posted to. */
    public URI deliveryUri() {
        if (transport == Transport.FHIR_REST) {
            String base = url.toString();
            return URI.create((base.endsWith("/") ? base : base + "/") + "$process-message");
        }
        return url;
    }
}
