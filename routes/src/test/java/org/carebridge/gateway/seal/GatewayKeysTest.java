package org.carebridge.gateway.seal;

import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayKeysTest {

    @TempDir
    static Path dir;
    static DevPki pki;
    static final Instant NOW = Instant.now();

    @BeforeAll
    static void pki() {
        pki = new DevPki(dir.resolve("pki"));
        pki.ensure(List.of());
    }

    private static SealingProperties.KeyEntry signingKey(String name, Instant notBefore, Instant notAfter) throws Exception {
        Path cert = dir.resolve(name + ".crt.pem");
        Path key = dir.resolve(name + ".key.pem");
        pki.issue(name, DevPki.Use.SIGNING, DevPki.ecKeyPair(), notBefore, notAfter, cert, key);
        return SealingProperties.KeyEntry.pem(cert, key);
    }

    @Test
    void theNewestValidKeySignsAndTheOlderOneStaysListedUntilRetired() throws Exception {
        var old = signingKey("old", NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(60)));
        var rotated = signingKey("new", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(800)));
        GatewayKeys keys = new GatewayKeys(new SealingProperties(List.of(old, rotated), List.of(), List.of(), null));

        assertThat(keys.currentSigner(NOW).orElseThrow().certificate().getSubjectX500Principal().getName()).contains("CN=new");
        assertThat(keys.signingCertificates()).hasSize(2);
        // before the new key's validity starts, the old one still signs
        assertThat(keys.currentSigner(NOW.minus(Duration.ofDays(2))).orElseThrow().certificate().getSubjectX500Principal().getName())
                .contains("CN=old");
    }

    @Test
    void anExpiredKeyNeverSigns() throws Exception {
        var expired = signingKey("expired", NOW.minus(Duration.ofDays(300)), NOW.minus(Duration.ofDays(1)));
        GatewayKeys keys = new GatewayKeys(new SealingProperties(List.of(expired), List.of(), List.of(), null));

        assertThat(keys.currentSigner(NOW)).isEmpty();
    }

    @Test
    void keysLoadFromAPkcs12Store() throws Exception {
        KeyMaterial material = KeyMaterial.load(pki.gatewaySigningCertificate(), pki.gatewaySigningKey());
        Path store = dir.resolve("signing.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            material.toKeyStore("signing", "dev-only-password".toCharArray()).store(out, "dev-only-password".toCharArray());
        }
        GatewayKeys keys = new GatewayKeys(new SealingProperties(
                List.of(new SealingProperties.KeyEntry(null, null, store, "dev-only-password", null, null)), List.of(), List.of(), null));

        assertThat(keys.currentSigner(NOW).orElseThrow().certificate()).isEqualTo(material.certificate());
        assertThatThrownBy(() -> new GatewayKeys(new SealingProperties(
                List.of(new SealingProperties.KeyEntry(null, null, store, "wrong", null, null)), List.of(), List.of(), null)))
                .hasMessageContaining("cannot load key store signing.p12");
    }

    @Test
    void noSigningKeyAtAllIsAStartFailure() {
        assertThatThrownBy(() -> new GatewayKeys(new SealingProperties(List.of(), List.of(), List.of(), null)))
                .hasMessageContaining("signing-keys is empty");
    }
}
