package org.carebridge.gateway.admin;

import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each check an uploaded certificate must pass, each failure with its own message. */
class CertificateChecksTest {

    @TempDir
    static Path dir;

    static DevPki pki;
    static DevPki stranger;
    static X509Certificate ca;
    static final List<X509CRL> crls = new ArrayList<>();

    @BeforeAll
    static void issue() throws Exception {
        pki = new DevPki(dir.resolve("trusted"));
        pki.ensure(List.of("cs-alpha", "police-beta"));
        stranger = new DevPki(dir.resolve("stranger"));
        stranger.ensure(List.of("cs-alpha"));
        ca = Pem.readCertificates(pki.caCertificate()).get(0);
    }

    private CertificateChecks checks() {
        return new CertificateChecks(() -> List.of(ca), () -> crls, Clock.systemUTC());
    }

    @Test
    void aTlsAndAnEncryptionCertificateFromTheTrustedAuthorityPass() throws Exception {
        var tls = checks().check(pem(pki.partnerCertificate("cs-alpha")), CertificateChecks.Use.TLS);
        var encryption = checks().check(pem(pki.partnerEncryptionCertificate("cs-alpha")), CertificateChecks.Use.ENCRYPTION);

        assertThat(tls.certificate()).isEqualTo(Pem.readCertificates(pki.partnerCertificate("cs-alpha")).get(0));
        assertThat(encryption.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
        // an EC TLS certificate may also take copies by key agreement, as police partners' do
        checks().check(pem(pki.partnerCertificate("police-beta")), CertificateChecks.Use.ENCRYPTION);
    }

    @Test
    void textThatIsNoCertificateIsRefused() {
        assertRefused("hello", CertificateChecks.Use.TLS, "tlsCertificate", "The TLS client certificate is not a PEM certificate");
        assertRefused(" ", CertificateChecks.Use.ENCRYPTION, "encryptionCertificate", "Paste the encryption certificate");
    }

    @Test
    void aCertificateFromAnotherAuthorityIsRefused() throws Exception {
        assertRefused(pem(stranger.partnerCertificate("cs-alpha")), CertificateChecks.Use.TLS, "tlsCertificate",
                "is not issued by a certificate authority the gateway trusts");
    }

    @Test
    void anAuthoritysOwnCertificateIsRefused() throws Exception {
        assertRefused(pem(pki.caCertificate()), CertificateChecks.Use.TLS, "tlsCertificate", "is a certificate authority's certificate");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() throws Exception {
        Path expired = dir.resolve("expired.crt.pem");
        pki.issue("expired", DevPki.Use.TLS_CLIENT, DevPki.ecKeyPair(), Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)), expired, dir.resolve("expired.key.pem"));
        Path early = dir.resolve("early.crt.pem");
        pki.issue("early", DevPki.Use.TLS_CLIENT, DevPki.ecKeyPair(), Instant.now().plus(Duration.ofDays(3)),
                Instant.now().plus(Duration.ofDays(300)), early, dir.resolve("early.key.pem"));

        assertRefused(pem(expired), CertificateChecks.Use.TLS, "tlsCertificate", "The TLS client certificate expired on");
        assertRefused(pem(early), CertificateChecks.Use.TLS, "tlsCertificate", "The TLS client certificate is not valid until");
    }

    @Test
    void aCertificateForAnotherUseIsRefused() throws Exception {
        assertRefused(pem(pki.partnerEncryptionCertificate("cs-alpha")), CertificateChecks.Use.TLS, "tlsCertificate",
                "does not allow digital signatures");
        assertRefused(pem(pki.gatewaySigningCertificate()), CertificateChecks.Use.TLS, "tlsCertificate",
                "is not for TLS client authentication");
        Path signing = dir.resolve("rsa-signing.crt.pem");
        pki.issue("rsa-signing", DevPki.Use.SIGNING, DevPki.rsaKeyPair(), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(30)), signing, dir.resolve("rsa-signing.key.pem"));
        assertRefused(pem(signing), CertificateChecks.Use.ENCRYPTION, "encryptionCertificate", "keyEncipherment, for an RSA key");
    }

    @Test
    void aRevokedCertificateIsRefused() throws Exception {
        X509Certificate police = Pem.readCertificates(pki.partnerCertificate("police-beta")).get(0);
        KeyMaterial caKey = KeyMaterial.load(pki.caCertificate(), pki.caKey());
        var builder = new JcaX509v2CRLBuilder(ca, new Date());
        builder.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(7))));
        builder.addCRLEntry(police.getSerialNumber(), new Date(), CRLReason.keyCompromise);
        X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.privateKey())));
        // a list signed by someone else is not this authority's
        KeyMaterial otherKey = KeyMaterial.load(stranger.caCertificate(), stranger.caKey());
        var forged = new JcaX509v2CRLBuilder(ca, new Date());
        forged.addCRLEntry(Pem.readCertificates(pki.partnerCertificate("cs-alpha")).get(0).getSerialNumber(), new Date(), CRLReason.keyCompromise);
        X509CRL forgedCrl = new JcaX509CRLConverter().getCRL(forged.build(new JcaContentSignerBuilder("SHA256withECDSA").build(otherKey.privateKey())));
        crls.add(crl);
        crls.add(forgedCrl);
        try {
            assertRefused(pem(pki.partnerCertificate("police-beta")), CertificateChecks.Use.TLS, "tlsCertificate",
                    "The TLS client certificate was revoked on");
            checks().check(pem(pki.partnerCertificate("cs-alpha")), CertificateChecks.Use.TLS);
        } finally {
            crls.clear();
        }
    }

    private void assertRefused(String pem, CertificateChecks.Use use, String field, String message) {
        assertThatThrownBy(() -> checks().check(pem, use)).isInstanceOfSatisfying(Refused.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static String pem(Path file) throws Exception {
        return Files.readString(file);
    }
}
