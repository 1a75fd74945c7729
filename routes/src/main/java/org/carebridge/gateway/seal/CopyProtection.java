package org.carebridge.gateway.seal;

import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.cms.DisclosureSeal;
import org.carebridge.security.partner.Partner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How one copy travels: sealed (signed by the gateway, encrypted to the recipient) unless the recipient is registered
 * as unable to decrypt AND the copy's agreement allows plain FHIR over mutual TLS to it.
 */
@Component
public class CopyProtection {

    /** The body to send and how it was protected, for the audit. */
    public record ProtectedCopy(byte[] body, String contentType, String protection) {
    }

    private final GatewayKeys keys;
    private final PartnerEncryptionCertificates certificates;
    private final AgreementRegistry agreements;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public CopyProtection(GatewayKeys keys, PartnerEncryptionCertificates certificates, AgreementRegistry agreements,
                          JdbcTemplate jdbc) {
        this.keys = keys;
        this.certificates = certificates;
        this.agreements = agreements;
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    public ProtectedCopy protect(Partner partner, UUID deliveryId, byte[] payload) throws UndeliverableCopy {
        if (partner.sealing().plainOnly()) {
            Agreement agreement = agreementOf(deliveryId);
            if (agreement == null || !agreement.allowsPlainDeliveryTo(partner.id())) {
                throw new UndeliverableCopy("partner '" + partner.id() + "' cannot open sealed copies and agreement '"
                        + (agreement == null ? "?" : agreement.id()) + "' does not allow plain delivery to it");
            }
            return new ProtectedCopy(payload, "application/fhir+json",
                    "plain-mtls (allowed by " + agreement.id() + " v" + agreement.version() + ")");
        }
        KeyMaterial signer = keys.currentSigner(clock.instant())
                .orElseThrow(() -> new UndeliverableCopy("no gateway signing key is currently valid"));
        X509Certificate recipient = certificates.of(partner);
        try {
            DisclosureSeal seal = new DisclosureSeal(signer, clock);
            byte[] sealed = seal.seal(payload, recipient);
            return new ProtectedCopy(sealed, DisclosureSeal.SEALED_CONTENT_TYPE, "cms-sealed " + seal.signatureAlgorithm()
                    + " AES-256-GCM " + DisclosureSeal.keyProtection(recipient));
        } catch (DisclosureSeal.SealRefused e) {
            throw new UndeliverableCopy("partner '" + partner.id() + "': " + e.getMessage());
        }
    }

    private Agreement agreementOf(UUID deliveryId) {
        List<Map.Entry<String, Integer>> found = jdbc.query("select agreement_id, agreement_version from delivery where delivery_id = ?",
                (rs, i) -> Map.entry(rs.getString(1), rs.getInt(2)), deliveryId);
        if (found.isEmpty()) {
            return null;
        }
        return agreements.current().agreements().stream()
                .filter(a -> a.id().equals(found.get(0).getKey()) && a.version() == found.get(0).getValue())
                .findFirst().orElse(null);
    }
}
