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

/** The registered partners, and the client certificates that identify them. */
public final class PartnerRegistry {

    private final Map<String, Partner> byId = new LinkedHashMap<>();
    private final Map<String, Partner> byFingerprint = new LinkedHashMap<>();
    private final Map<String, X509Certificate> certificates = new LinkedHashMap<>();

    private PartnerRegistry() {
    }

    /** Loads each partner's certificate; any unreadable or expired one stops the whole registry. */
    public static PartnerRegistry of(String source, List<Partner> partners) {
        PartnerRegistry registry = new PartnerRegistry();
        List<String> problems = new ArrayList<>();
        for (Partner partner : partners) {
            try {
                X509Certificate cert = Pem.readCertificates(partner.certificate()).get(0);
                cert.checkValidity();
                String fingerprint = fingerprint(cert);
                Partner other = registry.byFingerprint.putIfAbsent(fingerprint, partner);
                if (other != null) {
                    problems.add("partner '" + partner.id() + "': certificate is also registered to '" + other.id() + "'");
                }
                registry.certificates.put(partner.id(), cert);
            } catch (Exception e) {
                problems.add("partner '" + partner.id() + "': certificate " + partner.certificate()
                        + " cannot be used (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
            registry.byId.put(partner.id(), partner);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(source, problems);
        }
        return registry;
    }

    public Optional<Partner> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The partner whose registered certificate is exactly this one. */
    public Optional<Partner> byCertificate(X509Certificate certificate) {
        return Optional.ofNullable(byFingerprint.get(fingerprint(certificate)));
    }

    public Collection<Partner> all() {
        return byId.values();
    }

    public X509Certificate certificate(String partnerId) {
        return certificates.get(partnerId);
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }
}
