package org.carebridge.gateway.admin;

import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dev-only certificates for a new partner: issued from the dev CA, accepted by the checks; nothing without the dev CA. */
class DevelopmentCertificatesTest {

    @TempDir
    Path dir;

    private GatewayPki pki(boolean devGenerate) {
        if (!devGenerate) {
            // production: the keys come from elsewhere; issue them here only to have files to point at
            new DevPki(dir).ensure(List.of());
        }
        DevPki dev = new DevPki(dir);
        return new GatewayPki(new CarebridgeProperties.Pki(dir, devGenerate, dev.gatewayCertificate(), dev.gatewayKey(),
                List.of(dev.caCertificate())), List.of());
    }

    @Test
    void theDevCaIssuesBothCertificatesAndAPkcs12StoreOpenedOnlyByTheShownPassword() throws Exception {
        GatewayPki pki = pki(true);
        DevelopmentCertificates development = new DevelopmentCertificates(pki);
        assertThat(development.available()).isTrue();
        assertThat(development.issuedHere("vs-new")).isFalse();

        DevelopmentCertificates.Issued issued = development.issue("vs-new");
        CertificateChecks checks = new CertificateChecks(pki::trustAnchors, List::of, Clock.systemUTC());
        assertThat(checks.check(issued.tlsPem(), CertificateChecks.Use.TLS).certificate().getSubjectX500Principal().getName()).contains("CN=vs-new");
        checks.check(issued.encryptionPem(), CertificateChecks.Use.ENCRYPTION);

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(development.pkcs12("vs-new").orElseThrow()), issued.pkcs12Password().toCharArray());
        assertThat(Collections.list(store.aliases())).containsExactlyInAnyOrder("tls", "encryption");
        KeyStore wrong = KeyStore.getInstance("PKCS12");
        assertThatThrownBy(() -> wrong.load(new ByteArrayInputStream(development.pkcs12("vs-new").orElseThrow()), "guess".toCharArray()))
                .isInstanceOf(java.io.IOException.class);
        assertThat(new String(development.pem("vs-new").orElseThrow())).contains("PRIVATE KEY", "BEGIN CERTIFICATE");
        // a partner whose certificates came from elsewhere has nothing to download
        assertThat(development.pem("cs-suffolk")).isEmpty();
    }

    @Test
    void withoutTheDevCaNothingIsIssuedOrOffered() {
        DevelopmentCertificates development = new DevelopmentCertificates(pki(false));
        assertThat(development.available()).isFalse();
        assertThatThrownBy(() -> development.issue("vs-new")).isInstanceOf(Refused.class)
                .hasMessageContaining("only in the embedded default");
        assertThat(development.pkcs12("vs-new")).isEmpty();
        assertThat(development.pem("vs-new")).isEmpty();
        assertThat(development.issuedHere("vs-new")).isFalse();
    }
}
