package org.carebridge.gateway.partner;

/** How a partner is named in a message's {@code MessageHeader.source.endpoint} and {@code destination.endpoint}. */
public final class PartnerEndpoints {

    public static final String PREFIX = "urn:carebridge:partner:";

    private PartnerEndpoints() {
    }
}
