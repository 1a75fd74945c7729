package org.carebridge.security.partner;

import java.nio.file.Path;
import java.util.Set;

/**
 * A registered partner agency system.
 *
 * @param area local authority (ONS) code of the area the partner serves
 * @param certificate the partner's TLS client certificate (PEM) that identifies it to the gateway
 * @param roles what the partner system may do beyond sending records, e.g. {@value #CONSENT_WRITER}
 * @param inbound how the gateway fetches the partner's own format (SSDA903 over SFTP), or null for a partner that
 *                posts FHIR messages
 * @param copyOrder whether copies about one child must reach the partner in acceptance order
 */
public record Partner(String id, String name, AgencyKind kind, String area, PartnerEndpoint endpoint, Path certificate,
                      Set<String> roles, Sealing sealing, PartnerInbound inbound, CopyOrder copyOrder) {

    /**
     * How copies reach this partner and how it sends to us.
     *
     * @param encryptionCertificate what sealed copies are encrypted to; RSA means RSA-OAEP, EC means ECDH
     * @param plainOnly the partner cannot open sealed copies yet; it gets plain FHIR over mutual TLS only where an
     *                  agreement also allows it, and nothing is sealed to it otherwise
     * @param requireSignature refuse bodies from this partner that are not CMS-signed by its registered certificate
     */
    public record Sealing(Path encryptionCertificate, boolean plainOnly, boolean requireSignature) {
        public static final Sealing NONE = new Sealing(null, false, false);
    }

    /** May record and withdraw consent in the consent registry. */
    public static final String CONSENT_WRITER = "consent-writer";

    public static final Set<String> KNOWN_ROLES = Set.of(CONSENT_WRITER);

    /**
     * The gateway itself, as the sender of the messages it originates (clock-breach alerts, the monthly monitoring
     * report). Reserved: no registered partner may use it, it has no certificate or endpoint, and it is never a recipient;
     * agreements may name it only as a sender.
     */
    public static final String GATEWAY_ID = "carebridge-gateway";

    /** The gateway as a sender: no kind, area, endpoint or certificate. */
    public static Partner gateway() {
        return new Partner(GATEWAY_ID, "CareBridge gateway", null, null, null, null, Set.of());
    }

    public Partner {
        roles = Set.copyOf(roles);
        sealing = sealing == null ? Sealing.NONE : sealing;
        copyOrder = copyOrder == null ? CopyOrder.ANY : copyOrder;
    }

    public Partner(String id, String name, AgencyKind kind, String area, PartnerEndpoint endpoint, Path certificate,
                   Set<String> roles, Sealing sealing, PartnerInbound inbound) {
        this(id, name, kind, area, endpoint, certificate, roles, sealing, inbound, CopyOrder.ANY);
    }

    public Partner(String id, String name, AgencyKind kind, String area, PartnerEndpoint endpoint, Path certificate,
                   Set<String> roles, Sealing sealing) {
        this(id, name, kind, area, endpoint, certificate, roles, sealing, null);
    }

    public Partner(String id, String name, AgencyKind kind, String area, PartnerEndpoint endpoint, Path certificate,
                   Set<String> roles) {
        this(id, name, kind, area, endpoint, certificate, roles, Sealing.NONE);
    }

    public Partner(String id, String name, AgencyKind kind, String area, PartnerEndpoint endpoint, Path certificate) {
        this(id, name, kind, area, endpoint, certificate, Set.of());
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
