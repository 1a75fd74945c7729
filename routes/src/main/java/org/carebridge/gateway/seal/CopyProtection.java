package org.carebridge.gateway.seal;

import org.carebridge.gateway.agreement.AgreementRef;
import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.cms.DisclosureSeal;
import org.carebridge.security.partner.Partner;
import org.springframework.stereotype.Component;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;

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
    private final Clock clock;
    // one seal per signing key, built once: it holds the key prepared for signing and its pooled signers
    private final Map<KeyMaterial, DisclosureSeal> seals = new IdentityHashMap<>();

    public CopyProtection(GatewayKeys keys, PartnerEncryptionCertificates certificates, AgreementRegistry agreements) {
        this.keys = keys;
        this.certificates = certificates;
        this.agreements = agreements;
        this.clock = Clock.systemUTC();
        for (KeyMaterial signer : keys.signingKeys()) {
            seals.put(signer, new DisclosureSeal(signer, clock));
        }
    }

    public ProtectedCopy protect(Partner partner, AgreementRef sharedUnder, byte[] payload) throws UndeliverableCopy {
        if (partner.sealing().plainOnly()) {
            Agreement agreement = agreementOf(sharedUnder);
            if (agreement == null || !agreement.allowsPlainDeliveryTo(partner.id())) {
                throw new UndeliverableCopy("partner '" + partner.id() + "' cannot open sealed copies and agreement '"
                        + sharedUnder.id() + " v" + sharedUnder.version() + "' does not allow plain delivery to it");
            }
            return new ProtectedCopy(payload, "application/fhir+json",
                    "plain-mtls (allowed by " + agreement.id() + " v" + agreement.version() + ")");
        }
        KeyMaterial signer = keys.currentSigner(clock.instant())
                .orElseThrow(() -> new UndeliverableCopy("no gateway signing key is currently valid"));
        X509Certificate recipient = certificates.of(partner);
        try {
            DisclosureSeal seal = seals.get(signer);
            byte[] sealed = seal.seal(payload, recipient);
            return new ProtectedCopy(sealed, DisclosureSeal.SEALED_CONTENT_TYPE, "cms-sealed " + seal.signatureAlgorithm()
                    + " AES-256-GCM " + DisclosureSeal.keyProtection(recipient));
        } catch (DisclosureSeal.SealRefused e) {
            throw new UndeliverableCopy("partner '" + partner.id() + "': " + e.getMessage());
        }
    }

    private Agreement agreementOf(AgreementRef ref) {
        return agreements.current().agreements().stream()
                .filter(a -> a.id().equals(ref.id()) && a.version() == ref.version())
                .findFirst().orElse(null);
    }
}
