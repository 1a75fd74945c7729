package org.carebridge.security.partner;

import java.nio.file.Path;
import java.util.Set;

/**
 * A registered partner agency system.
 *
 * @param area local authority (ONS) code of the area the partner serves
 * @param certificate the partner's TLS client certificate (PEM) that identifies it to the gateway
 * @param roles what the partner system may do beyond sending records, e.g. {@value #CONSENT_WRITER}
 */
public record Partner(String id, String name, AgencyKind kind, String area, PartnerEndpoint endpoint, Path certificate,
                      Set<String> roles) {

    /** May record and withdraw consent in the consent registry. */
    public static final String CONSENT_WRITER = "consent-writer";

    public static final Set<String> KNOWN_ROLES = Set.of(CONSENT_WRITER);

    /**
     * The gateway itself, as the sender of what it computes (the monthly monitoring report). Reserved: no registered
     * partner may use it, it has no certificate, and it is never a recipient.
     */
    public static final String GATEWAY_ID = "carebridge-gateway";

    /** The gateway as a sender: no kind, area, endpoint or certificate. */
    public static Partner gateway() {
        return new Partner(GATEWAY_ID, "CareBridge gateway", null, null, null, null, Set.of());
    }

    public Partner {
        roles = Set.copyOf(roles);
    }

    public Partner(String id, String name, AgencyKind kind, String area, PartnerEndpoint endpoint, Path certificate) {
        this(id, name, kind, area, endpoint, certificate, Set.of());
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
