package org.carebridge.gateway.seal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Watches every certificate the gateway relies on. Publishes days to expiry per certificate
 * ({@code carebridge.certificate.expiry.days}, tagged by use and owner, never by anything personal), warns once when a
 * certificate enters the warning window, and picks up replaced partner certificate files without a restart.
 */
@Component
public class CertificateWatch {

    private static final Logger log = LoggerFactory.getLogger(CertificateWatch.class);

    private final PartnerRegistry registry;
    private final PartnerEncryptionCertificates encryption;
    private final AuditTrail audit;
    private final Duration warning;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Supplier<X509Certificate>> watched = new HashMap<>();
    private final Map<Path, Long> partnerFiles = new HashMap<>();
    private final Set<String> warned = new HashSet<>();

    public CertificateWatch(PartnerRegistry registry, PartnerEncryptionCertificates encryption, GatewayKeys keys, GatewayPki pki,
                            SealingProperties properties, MeterRegistry meters, AuditTrail audit) {
        this.registry = registry;
        this.encryption = encryption;
        this.audit = audit;
        this.warning = properties.expiryWarning();
        watch(meters, "tls", "gateway", () -> pki.tlsIdentity().certificate());
        for (int i = 0; i < keys.signingKeys().size(); i++) {
            X509Certificate cert = keys.signingKeys().get(i).certificate();
            watch(meters, "signing", "gateway-" + i, () -> cert);
        }
        for (int i = 0; i < keys.decryptionKeys().size(); i++) {
            X509Certificate cert = keys.decryptionKeys().get(i).certificate();
            watch(meters, "decryption", "gateway-" + i, () -> cert);
        }
        for (Partner partner : registry.all()) {
            watch(meters, "partner-tls", partner.id(), () -> registry.certificate(partner.id()));
            if (partner.sealing().encryptionCertificate() != null) {
                watch(meters, "partner-encryption", partner.id(), () -> encryption.of(partner));
            }
            if (partner.certificate() != null) {
                partnerFiles.put(partner.certificate(), modified(partner.certificate()));
            }
        }
    }

    /** Days until the certificate expires; negative once it has. */
    public long daysToExpiry(X509Certificate certificate) {
        return Duration.between(clock.instant(), certificate.getNotAfter().toInstant()).toDays();
    }

    public void check() {
        reloadReplacedPartnerCertificates();
        for (Map.Entry<String, Supplier<X509Certificate>> entry : watched.entrySet()) {
            try {
                X509Certificate cert = entry.getValue().get();
                long days = daysToExpiry(cert);
                String key = entry.getKey() + "@" + cert.getSerialNumber();
                if (Duration.ofDays(Math.max(days, 0)).compareTo(warning) <= 0 && warned.add(key)) {
                    log.warn("Certificate {} {} (expires {}); replace it before then", entry.getKey(),
                            days < 0 ? "has EXPIRED and is no longer used" : "expires in " + days + " days", cert.getNotAfter().toInstant());
                }
            } catch (RuntimeException e) {
                log.warn("Certificate {} cannot be read: {}", entry.getKey(), e.getClass().getSimpleName());
            }
        }
    }

    /** Re-reads partners' certificates when a file changed; a bad file leaves the certificates in use as they were. */
    public synchronized boolean reloadReplacedPartnerCertificates() {
        boolean changed = false;
        for (Map.Entry<Path, Long> file : partnerFiles.entrySet()) {
            long now = modified(file.getKey());
            if (now != file.getValue()) {
                changed = true;
                file.setValue(now);
            }
        }
        if (!changed) {
            return false;
        }
        try {
            registry.reloadCertificates();
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, "config", "partner-certificates").outcome("applied",
                    "partner certificate files changed; certificates re-read"));
            log.info("Partner certificates re-read after a file changed");
            return true;
        } catch (ConfigurationException e) {
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, "config", "partner-certificates").outcome("refused", "validation failed"));
            log.error("Partner certificates not reloaded; those in use stay. {}", e.getMessage());
            return false;
        }
    }

    private void watch(MeterRegistry meters, String use, String owner, Supplier<X509Certificate> certificate) {
        watched.put(use + ":" + owner, certificate);
        Gauge.builder("carebridge.certificate.expiry.days", () -> {
                    try {
                        return daysToExpiry(certificate.get());
                    } catch (RuntimeException e) {
                        return Double.NaN;
                    }
                })
                .description("Days until the certificate expires (negative: expired)")
                .tags("use", use, "owner", owner)
                .register(meters);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (Exception e) {
            return -1;
        }
    }
}
