package org.carebridge.gateway.admin;

import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.seal.SealingProperties;
import org.carebridge.security.crypto.Pem;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;

import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What an uploaded partner certificate must pass before the registry takes it: PEM, in date, issued (through any
 * intermediates pasted with it) by an authority the gateway trusts, fit for its use, and not revoked by any configured
 * CRL ({@code carebridge.sealing.crls}). Each failure is refused with a message that says which check failed.
 */
@Component
public class CertificateChecks {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_PURPOSE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;

    /** What the certificate is for; {@code field} names the form field and JSON property. */
    public enum Use {
        TLS("tlsCertificate", "TLS client certificate"),
        ENCRYPTION("encryptionCertificate", "encryption certificate");

        private final String field;
        private final String label;

        Use(String field, String label) {
            this.field = field;
            this.label = label;
        }

        public String field() {
            return field;
        }

        public String label() {
            return label;
        }
    }

    /** A certificate that passed: the end entity first, then what it was pasted with; {@code pem} as given. */
    public record Checked(X509Certificate certificate, String pem) {
    }

    private final Supplier<List<X509Certificate>> trustAnchors;
    private final Supplier<List<X509CRL>> crls;
    private final Clock clock;

    /** The gateway's trusted authorities, and the configured CRL files, read again for each check so a new list counts at once. */
    @Autowired
    public CertificateChecks(GatewayPki pki, SealingProperties sealing) {
        this(pki::trustAnchors, () -> readCrls(sealing.crls()), Clock.systemUTC());
    }

    public CertificateChecks(Supplier<List<X509Certificate>> trustAnchors, Supplier<List<X509CRL>> crls, Clock clock) {
        this.trustAnchors = trustAnchors;
        this.crls = crls;
        this.clock = clock;
    }

    public Checked check(String pem, Use use) {
        String label = "The " + use.label();
        if (pem == null || pem.isBlank()) {
            throw new Refused(use.field(), "Paste the " + use.label() + " (PEM)");
        }
        List<X509Certificate> given;
        try {
            given = Pem.readCertificates(pem);
        } catch (Exception e) {
            throw new Refused(use.field(), label + " is not a PEM certificate: paste everything from -----BEGIN CERTIFICATE----- "
                    + "to -----END CERTIFICATE-----");
        }
        X509Certificate leaf = given.get(0);
        if (leaf.getBasicConstraints() >= 0) {
            throw new Refused(use.field(), label + " is a certificate authority's certificate, not a partner system's");
        }
        Date now = Date.from(clock.instant());
        if (now.before(leaf.getNotBefore())) {
            throw new Refused(use.field(), label + " is not valid until " + day(leaf.getNotBefore()));
        }
        if (now.after(leaf.getNotAfter())) {
            throw new Refused(use.field(), label + " expired on " + day(leaf.getNotAfter()));
        }
        List<X509Certificate> chain = chain(leaf, given, now, use, label);
        checkUsage(leaf, use, label);
        checkRevocation(chain, use, label);
        return new Checked(leaf, pem.strip() + "\n");
    }

    private List<X509Certificate> chain(X509Certificate leaf, List<X509Certificate> given, Date now, Use use, String label) {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate anchor : trustAnchors.get()) {
            anchors.add(new TrustAnchor(anchor, null));
        }
        if (anchors.isEmpty()) {
            throw new Refused(use.field(), "The gateway trusts no certificate authority, so no certificate can be accepted");
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(given)));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
            List<X509Certificate> chain = new ArrayList<>();
            result.getCertPath().getCertificates().forEach(c -> chain.add((X509Certificate) c));
            chain.add(result.getTrustAnchor().getTrustedCert());
            return chain;
        } catch (CertPathBuilderException e) {
            throw new Refused(use.field(), label + " is not issued by a certificate authority the gateway trusts (issuer "
                    + leaf.getIssuerX500Principal().getName() + "); paste any intermediate certificates after it");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot check a certificate chain", e);
        }
    }

    private static void checkUsage(X509Certificate leaf, Use use, String label) {
        boolean[] usage = leaf.getKeyUsage();
        if (use == Use.TLS) {
            if (usage == null || !usage[DIGITAL_SIGNATURE]) {
                throw new Refused(use.field(), label + " does not allow digital signatures (key usage digitalSignature), "
                        + "which a TLS client needs");
            }
            List<String> purposes;
            try {
                purposes = leaf.getExtendedKeyUsage();
            } catch (java.security.cert.CertificateParsingException e) {
                purposes = null;
            }
            if (purposes == null || !(purposes.contains(CLIENT_AUTH) || purposes.contains(ANY_PURPOSE))) {
                throw new Refused(use.field(), label + " is not for TLS client authentication (extended key usage clientAuth)");
            }
        } else {
            boolean rsa = "RSA".equals(leaf.getPublicKey().getAlgorithm());
            boolean encipher = usage != null && usage[KEY_ENCIPHERMENT];
            boolean agree = usage != null && usage[KEY_AGREEMENT];
            if (rsa ? !encipher : !agree) {
                throw new Refused(use.field(), label + " does not allow copies to be encrypted to it (key usage "
                        + (rsa ? "keyEncipherment, for an RSA key" : "keyAgreement, for an EC key") + ")");
            }
        }
    }

    private void checkRevocation(List<X509Certificate> chain, Use use, String label) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            for (X509CRL crl : crls.get()) {
                if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                    continue;
                }
                try {
                    crl.verify(issuer.getPublicKey());
                } catch (Exception e) {
                    continue; // not this issuer's list
                }
                X509CRLEntry entry = crl.getRevokedCertificate(certificate);
                if (entry != null) {
                    throw new Refused(use.field(), (i == 0 ? label : label + "'s issuing authority") + " was revoked on "
                            + day(entry.getRevocationDate()) + (entry.getRevocationReason() == null ? ""
                            : " (" + entry.getRevocationReason().name().toLowerCase().replace('_', ' ') + ")"));
                }
            }
        }
    }

    private static List<X509CRL> readCrls(List<Path> files) {
        List<X509CRL> crls = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                for (var crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                    crls.add((X509CRL) crl);
                }
            } catch (Exception e) {
                // a certificate is not accepted unchecked
                throw new IllegalStateException("CRL " + file.getFileName() + " cannot be read, so no certificate can be checked for revocation", e);
            }
        }
        return crls;
    }

    private static LocalDate day(Date date) {
        return LocalDate.ofInstant(date.toInstant(), ZoneOffset.UTC);
    }
}
