package org.carebridge.security.crypto.cms;

import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The sealed format opens with the openssl command line, and openssl-made bodies open here (openssl 3 required). */
class OpensslInteropTest {

    @TempDir
    static Path dir;
    static DevPki pki;
    static final byte[] CONTENT = "{\"resourceType\":\"Bundle\",\"type\":\"message\",\"id\":\"interop\"}".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void pki() {
        pki = new DevPki(dir.resolve("pki"));
        pki.ensure(List.of("vs-suffolk", "police-norfolk"));
    }

    private static DisclosureSeal gatewaySeal() {
        return new DisclosureSeal(KeyMaterial.load(pki.gatewaySigningCertificate(), pki.gatewaySigningKey()), Clock.systemUTC());
    }

    @Test
    void opensslDecryptsAndVerifiesAnRsaSealedCopy() throws Exception {
        byte[] sealed = gatewaySeal().seal(CONTENT, Pem.readCertificates(pki.partnerEncryptionCertificate("vs-suffolk")).get(0));

        assertThat(opensslOpen(sealed, pki.partnerEncryptionCertificate("vs-suffolk"), pki.partnerEncryptionKey("vs-suffolk")))
                .isEqualTo(CONTENT);
    }

    @Test
    void opensslDecryptsAndVerifiesAnEcSealedCopy() throws Exception {
        byte[] sealed = gatewaySeal().seal(CONTENT, Pem.readCertificates(pki.partnerCertificate("police-norfolk")).get(0));

        assertThat(opensslOpen(sealed, pki.partnerCertificate("police-norfolk"), pki.partnerKey("police-norfolk"))).isEqualTo(CONTENT);
    }

    @Test
    void anOpensslSignedAndEncryptedBodyOpensAsFromThatPartner() throws Exception {
        Path message = Files.write(dir.resolve("outgoing.json"), CONTENT);
        Path signed = dir.resolve("outgoing.signed.der");
        Path enveloped = dir.resolve("outgoing.p7m");
        openssl("cms", "-sign", "-binary", "-nodetach", "-in", message.toString(), "-signer", pki.partnerCertificate("police-norfolk").toString(),
                "-inkey", pki.partnerKey("police-norfolk").toString(), "-outform", "DER", "-out", signed.toString());
        openssl("cms", "-encrypt", "-binary", "-aes-256-gcm", "-in", signed.toString(), "-outform", "DER", "-out", enveloped.toString(),
                pki.gatewayEncryptionCertificate().toString());

        KeyMaterial gatewayDecryption = KeyMaterial.load(pki.gatewayEncryptionCertificate(), pki.gatewayEncryptionKey());
        SealOpener opener = new SealOpener(List.of(gatewayDecryption), () -> readCa(), List::of, Clock.systemUTC());
        SealOpener.Opened opened = opener.openFrom(Files.readAllBytes(enveloped), Pem.readCertificates(pki.partnerCertificate("police-norfolk")).get(0));

        assertThat(opened.content()).isEqualTo(CONTENT);
        assertThat(opened.encrypted()).isTrue();
    }

    static byte[] opensslOpen(byte[] sealed, Path recipientCert, Path recipientKey) throws Exception {
        Path in = Files.write(Files.createTempFile(dir, "sealed", ".p7m"), sealed);
        Path signed = Files.createTempFile(dir, "signed", ".der");
        Path out = Files.createTempFile(dir, "content", ".json");
        openssl("cms", "-decrypt", "-inform", "DER", "-in", in.toString(), "-recip", recipientCert.toString(),
                "-inkey", recipientKey.toString(), "-out", signed.toString());
        openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", signed.toString(), "-CAfile", pki.caCertificate().toString(),
                "-out", out.toString());
        return Files.readAllBytes(out);
    }

    private static List<java.security.cert.X509Certificate> readCa() {
        try {
            return Pem.readCertificates(pki.caCertificate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", args[1], output).isZero();
    }
}
