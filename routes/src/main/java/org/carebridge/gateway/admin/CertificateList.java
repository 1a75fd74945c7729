package org.carebridge.gateway.admin;

import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.seal.GatewayKeys;
import org.carebridge.gateway.seal.PartnerEncryptionCertificates;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every certificate the gateway uses, its own and its partners', soonest to expire first. */
@Component
public class CertificateList {

    /** One certificate: whose, what for, and when it expires; {@code held} when uploaded to the registry rather than a file. */
    public record Entry(String owner, String use, String subject, String issuer, Instant notAfter, long daysToExpiry,
                        String fingerprint, boolean held) {
    }

    private final PartnerRegistry registry;
    private final PartnerEncryptionCertificates encryption;
    private final GatewayKeys keys;
    private final GatewayPki pki;
    private final Clock clock = Clock.systemUTC();

    public CertificateList(PartnerRegistry registry, PartnerEncryptionCertificates encryption, GatewayKeys keys, GatewayPki pki) {
        this.registry = registry;
        this.encryption = encryption;
        this.keys = keys;
        this.pki = pki;
    }

    public List<Entry> all() {
        List<Entry> entries = new ArrayList<>();
        entries.add(entry(Partner.GATEWAY_ID, "gateway TLS", pki.tlsIdentity().certificate(), false));
        keys.signingKeys().forEach(k -> entries.add(entry(Partner.GATEWAY_ID, "gateway signing", k.certificate(), false)));
        keys.decryptionKeys().forEach(k -> entries.add(entry(Partner.GATEWAY_ID, "gateway decryption", k.certificate(), false)));
        for (Partner partner : registry.all()) {
            PartnerRegistry.HeldCertificates held = registry.held(partner.id());
            X509Certificate tls = registry.certificate(partner.id());
            if (tls != null) {
                entries.add(entry(partner.id(), "partner TLS", tls, held.tlsPem() != null));
            }
            if (held.encryptionPem() != null || partner.sealing().encryptionCertificate() != null) {
                try {
                    entries.add(entry(partner.id(), "partner encryption", encryption.of(partner), held.encryptionPem() != null));
                } catch (IllegalStateException e) {
                    entries.add(new Entry(partner.id(), "partner encryption", "cannot be read", null, null, Long.MIN_VALUE, null, false));
                }
            }
        }
        entries.sort(Comparator.comparingLong(Entry::daysToExpiry).thenComparing(Entry::owner).thenComparing(Entry::use));
        return entries;
    }

    private Entry entry(String owner, String use, X509Certificate certificate, boolean held) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        return new Entry(owner, use, certificate.getSubjectX500Principal().getName(), certificate.getIssuerX500Principal().getName(),
                notAfter, Duration.between(clock.instant(), notAfter).toDays(), PartnerRegistry.fingerprint(certificate), held);
    }
}
