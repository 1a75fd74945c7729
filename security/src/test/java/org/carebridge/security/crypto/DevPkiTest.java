package org.carebridge.security.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DevPkiTest {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path dir;

    @Test
    void createsTheCaAndACertificateAndKeyPerPartner() {
        DevPki pki = new DevPki(dir);

        pki.ensure(List.of("cs-suffolk", "police-norfolk"));

        assertThat(dir.resolve("ca.crt.pem")).isRegularFile().isEqualTo(pki.caCertificate());
        assertThat(dir.resolve("partners/cs-suffolk.crt.pem")).isRegularFile().isEqualTo(pki.partnerCertificate("cs-suffolk"));
        assertThat(dir.resolve("partners/cs-suffolk.key.pem")).isRegularFile().isEqualTo(pki.partnerKey("cs-suffolk"));
        assertThat(dir.resolve("partners/police-norfolk.crt.pem")).isRegularFile();
        assertThat(dir.resolve("partners/police-norfolk.key.pem")).isRegularFile();
        assertThat(pki.gatewayCertificate()).isRegularFile();
        assertThat(pki.demoPartnersCertificate()).isRegularFile();
    }

    @Test
    void everyFileStartsWithTheDevOnlyHeader() throws Exception {
        new DevPki(dir).ensure(List.of("cs-suffolk"));

        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        // CA, gateway TLS, gateway signing, gateway encryption, demo partners: 2 files each; the partner's TLS and encryption pairs
        assertThat(files).hasSize(14);
        assertThat(files).allSatisfy(file -> assertThat(Files.readAllLines(file, StandardCharsets.UTF_8).get(0))
                .isEqualTo("# " + DevPki.HEADER));
        assertThat(DevPki.HEADER).startsWith("DEV-ONLY");
    }

    @Test
    void partnerCertificatesAreIssuedByTheCaForClientAuthenticationOnly() throws Exception {
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of("cs-suffolk"));

        X509Certificate ca = certificate(pki.caCertificate());
        X509Certificate partner = certificate(pki.partnerCertificate("cs-suffolk"));

        assertThatCode(() -> partner.verify(ca.getPublicKey())).doesNotThrowAnyException();
        assertThatCode(() -> ca.verify(ca.getPublicKey())).doesNotThrowAnyException();
        assertThatCode(partner::checkValidity).doesNotThrowAnyException();
        assertThat(partner.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(partner.getSubjectX500Principal().getName()).contains("CN=cs-suffolk");
        assertThat(partner.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(partner.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(certificate(pki.gatewayCertificate()).getExtendedKeyUsage()).contains(SERVER_AUTH, CLIENT_AUTH);
    }

    @Test
    void aSecondRunKeepsTheCaAndExistingPartnersAndOnlyAddsNewOnes() throws Exception {
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of("cs-suffolk"));
        byte[] caCert = Files.readAllBytes(pki.caCertificate());
        byte[] caKey = Files.readAllBytes(pki.caKey());
        byte[] partnerCert = Files.readAllBytes(pki.partnerCertificate("cs-suffolk"));
        byte[] partnerKey = Files.readAllBytes(pki.partnerKey("cs-suffolk"));
        assertThat(pki.partnerCertificate("vs-norfolk")).doesNotExist();

        new DevPki(dir).ensure(List.of("cs-suffolk", "vs-norfolk"));

        assertThat(Files.readAllBytes(pki.caCertificate())).isEqualTo(caCert);
        assertThat(Files.readAllBytes(pki.caKey())).isEqualTo(caKey);
        assertThat(Files.readAllBytes(pki.partnerCertificate("cs-suffolk"))).isEqualTo(partnerCert);
        assertThat(Files.readAllBytes(pki.partnerKey("cs-suffolk"))).isEqualTo(partnerKey);
        assertThat(pki.partnerCertificate("vs-norfolk")).isRegularFile();
        assertThat(pki.partnerKey("vs-norfolk")).isRegularFile();
        X509Certificate added = certificate(pki.partnerCertificate("vs-norfolk"));
        assertThatCode(() -> added.verify(certificate(pki.caCertificate()).getPublicKey())).doesNotThrowAnyException();
    }

    @Test
    void aRegeneratedCaReissuesEveryCertificateSoTheyStillChain() throws Exception {
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of("cs-suffolk"));
        Files.delete(pki.caKey());

        pki.ensure(List.of("cs-suffolk"));

        X509Certificate ca = Pem.readCertificates(pki.caCertificate()).get(0);
        assertThatCode(() -> Pem.readCertificates(pki.partnerCertificate("cs-suffolk")).get(0).verify(ca.getPublicKey())).doesNotThrowAnyException();
        assertThatCode(() -> Pem.readCertificates(pki.gatewayCertificate()).get(0).verify(ca.getPublicKey())).doesNotThrowAnyException();
    }

    @Test
    void thePartnerKeyMatchesItsCertificate() throws Exception {
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of("cs-suffolk", "cs-norfolk"));
        PrivateKey key = Pem.readPrivateKey(pki.partnerKey("cs-suffolk"));
        byte[] data = "placement-notification".getBytes(StandardCharsets.UTF_8);

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();

        assertThat(verifies(certificate(pki.partnerCertificate("cs-suffolk")), data, signature)).isTrue();
        assertThat(verifies(certificate(pki.partnerCertificate("cs-norfolk")), data, signature)).isFalse();
    }

    @Test
    void privateKeysAreReadableByTheOwnerOnly() throws Exception {
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of("cs-suffolk"));
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");

        for (Path key : List.of(pki.caKey(), pki.gatewayKey(), pki.demoPartnersKey(), pki.partnerKey("cs-suffolk"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).as(key.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void opensslAcceptsThePartnerCertificate() throws Exception {
        assumeTrue(onPath("openssl"), "openssl is on PATH");
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of("x"));

        Process process = new ProcessBuilder("openssl", "verify", "-CAfile",
                pki.caCertificate().toString(), pki.partnerCertificate("x").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains(": OK");
    }

    private static boolean verifies(X509Certificate certificate, byte[] data, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        return verifier.verify(signature);
    }

    private static X509Certificate certificate(Path file) throws Exception {
        return Pem.readCertificates(file).get(0);
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
                .map(d -> Path.of(d, command))
                .anyMatch(Files::isExecutable);
    }
}
