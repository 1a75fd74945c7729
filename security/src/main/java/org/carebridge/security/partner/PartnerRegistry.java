package org.carebridge.security.partner;

import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.crypto.Pem;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registered partners, and the client certificates that identify them. Certificates can be re-read while running
 * ({@link #reloadCertificates}), so a partner's certificate is replaced without a restart.
 */
public final class PartnerRegistry {

    private final String source;
    private final Map<String, Partner> byId = new LinkedHashMap<>();
    private volatile Identities identities = new Identities(Map.of(), Map.of());

    private record Identities(Map<String, Partner> byFingerprint, Map<String, X509Certificate> certificates) {
    }

    private PartnerRegistry(String source) {
        this.source = source;
    }

    /** Loads each partner's certificate; any unreadable or expired one stops the whole registry. */
    public static PartnerRegistry of(String source, List<Partner> partners) {
        PartnerRegistry registry = new PartnerRegistry(source);
        for (Partner partner : partners) {
            registry.byId.put(partner.id(), partner);
        }
        registry.identities = registry.readCertificates();
        return registry;
    }

    /**
     * Re-reads every partner's certificate file. On any problem the certificates in use stay as they were and the
     * problem is thrown; a partner whose file now holds a new certificate is identified by it from then on.
     */
    public void reloadCertificates() {
        identities = readCertificates();
    }

    private Identities readCertificates() {
        Map<String, Partner> byFingerprint = new LinkedHashMap<>();
        Map<String, X509Certificate> certificates = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Partner partner : byId.values()) {
            try {
                X509Certificate cert = Pem.readCertificates(partner.certificate()).get(0);
                cert.checkValidity();
                String fingerprint = fingerprint(cert);
                Partner other = byFingerprint.putIfAbsent(fingerprint, partner);
                if (other != null) {
                    problems.add("partner '" + partner.id() + "': certificate is also registered to '" + other.id() + "'");
                }
                certificates.put(partner.id(), cert);
            } catch (Exception e) {
                problems.add("partner '" + partner.id() + "': certificate " + partner.certificate()
                        + " cannot be used (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(source, problems);
        }
        return new Identities(Map.copyOf(byFingerprint), Map.copyOf(certificates));
    }

    public Optional<Partner> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The partner whose registered certificate is exactly this one. */
    public Optional<Partner> byCertificate(X509Certificate certificate) {
        return Optional.ofNullable(identities.byFingerprint().get(fingerprint(certificate)));
    }

    public Collection<Partner> all() {
        return byId.values();
    }

    public X509Certificate certificate(String partnerId) {
        return identities.certificates().get(partnerId);
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }
}
