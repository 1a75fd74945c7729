package org.carebridge.security.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DevPkiSignerTest {

    @TempDir
    Path dir;

    @Test
    void aSigningCertificateIsIssuedByTheCaForSignaturesOnlyAndKeptUntilTheCaChanges() throws Exception {
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of());
        Path cert = dir.resolve("signer.dev-only.crt.pem");
        Path key = dir.resolve("signer.dev-only.key.pem");

        pki.ensureSigner("carebridge-ledger-checkpoints", cert, key);

        KeyMaterial signer = KeyMaterial.load(cert, key);
        X509Certificate ca = Pem.readCertificates(pki.caCertificate()).get(0);
        X509Certificate certificate = signer.certificate();
        certificate.verify(ca.getPublicKey());
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=carebridge-ledger-checkpoints").contains("DEV-ONLY");
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(certificate.getKeyUsage()[4]).as("keyAgreement").isFalse();
        assertThat(certificate.getExtendedKeyUsage()).as("no TLS use").isNull();
        assertThat(Files.readAllLines(key, StandardCharsets.UTF_8).get(0)).isEqualTo("# " + DevPki.HEADER);
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(signer.privateKey());
        signature.update(new byte[]{1, 2, 3});
        byte[] signed = signature.sign();
        signature.initVerify(certificate);
        signature.update(new byte[]{1, 2, 3});
        assertThat(signature.verify(signed)).isTrue();

        pki.ensureSigner("carebridge-ledger-checkpoints", cert, key);
        assertThat(KeyMaterial.load(cert, key).certificate()).as("kept across restarts").isEqualTo(certificate);

        Files.delete(pki.caCertificate());
        pki.ensure(List.of());
        pki.ensureSigner("carebridge-ledger-checkpoints", cert, key);
        X509Certificate reissued = KeyMaterial.load(cert, key).certificate();
        assertThat(reissued).isNotEqualTo(certificate);
        reissued.verify(Pem.readCertificates(pki.caCertificate()).get(0).getPublicKey());
    }
}
