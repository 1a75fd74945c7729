package org.carebridge.gateway.port;

import io.micrometer.core.instrument.MeterRegistry;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.carebridge.security.crypto.TlsContexts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The six ways a client can fail mutual TLS on the partner port. Each is refused before anything is read or stored:
 * at the handshake where the certificate itself is not acceptable (counted by reason), or by the certificate check
 * where it is acceptable but registered to no partner (tallied for the ledger).
 */
class MutualTlsRefusalTest extends GatewayTest {

    private static final String HANDSHAKE_REFUSED = "handshake refused";

    @Autowired
    MeterRegistry meters;

    @Test
    void everyUnacceptableClientIsRefusedBeforeAnyProcessing() throws Exception {
        Path dir = Files.createTempDirectory(DATA_DIR, "mtls-");
        long recordsBefore = records();
        Map<String, String> outcomes = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();

        outcomes.put("no certificate", attempt(PartnerClient.tls(null, null, PKI.caCertificate())));
        expected.put("no certificate", "HTTP 401");

        Path selfCert = dir.resolve("self.crt.pem");
        Path selfKey = dir.resolve("self.key.pem");
        selfSigned("cs-suffolk", selfCert, selfKey);
        // a client offers its certificate whatever authorities the server names
        outcomes.put("self-signed", attempt(offering(selfCert, selfKey)));
        expected.put("self-signed", HANDSHAKE_REFUSED);

        DevPki otherCa = new DevPki(dir.resolve("other-ca"));
        otherCa.ensure(List.of("cs-suffolk"));
        outcomes.put("another CA", attempt(PartnerClient.tls(otherCa.partnerCertificate("cs-suffolk"),
                otherCa.partnerKey("cs-suffolk"), PKI.caCertificate())));
        expected.put("another CA", HANDSHAKE_REFUSED);

        Path expiredCert = dir.resolve("expired.crt.pem");
        Path expiredKey = dir.resolve("expired.key.pem");
        Instant now = Instant.now();
        PKI.issue("cs-suffolk", DevPki.Use.TLS_CLIENT, DevPki.ecKeyPair(), now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)), expiredCert, expiredKey);
        outcomes.put("expired", attempt(PartnerClient.tls(expiredCert, expiredKey, PKI.caCertificate())));
        expected.put("expired", HANDSHAKE_REFUSED);

        // the same dev CA, valid, but another key under a registered partner's name
        Path claimCert = dir.resolve("claim.crt.pem");
        Path claimKey = dir.resolve("claim.key.pem");
        PKI.issue("cs-suffolk", DevPki.Use.TLS_CLIENT, DevPki.ecKeyPair(), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)), claimCert, claimKey);
        outcomes.put("claims another partner", attempt(PartnerClient.tls(claimCert, claimKey, PKI.caCertificate())));
        expected.put("claims another partner", "HTTP 403");

        Path revokedCert = dir.resolve("revoked.crt.pem");
        Path revokedKey = dir.resolve("revoked.key.pem");
        PKI.issue("revoked-client", DevPki.Use.TLS_CLIENT, DevPki.ecKeyPair(), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)), revokedCert, revokedKey);
        SSLContext revoked = PartnerClient.tls(revokedCert, revokedKey, PKI.caCertificate());
        // accepted by TLS (then refused as unregistered) until the CA revokes it
        assertThat(attempt(revoked)).isEqualTo("HTTP 403");
        SSLSocket keptAlive = (SSLSocket) revoked.getSocketFactory().createSocket("localhost", port);
        keptAlive.setSoTimeout(30_000);
        assertThat(exchange(keptAlive, false)).startsWith("HTTP 403").contains("not registered");
        double revokedBefore = refused("revoked");
        BigInteger serial = Pem.readCertificates(revokedCert).get(0).getSerialNumber();
        try {
            PKI.revocationList(List.of(serial), Duration.ofDays(30), REVOCATION_LIST);
            await().atMost(Duration.ofSeconds(20)).until(() -> attempt(PartnerClient.tls(revokedCert, revokedKey,
                    PKI.caCertificate())).equals(HANDSHAKE_REFUSED));
            outcomes.put("revoked", attempt(PartnerClient.tls(revokedCert, revokedKey, PKI.caCertificate())));
            // neither a resumed TLS session nor a connection kept alive from before skips the revocation
            outcomes.put("revoked, resuming its session", exchangeOn(revoked));
            expected.put("revoked, resuming its session", "HTTP 403 revoked");
            String later = exchange(keptAlive, true);
            outcomes.put("revoked, on a connection kept alive", later.startsWith("HTTP 403") && later.contains("revoked")
                    ? "HTTP 403 revoked" : later);
            expected.put("revoked, on a connection kept alive", "HTTP 403 revoked");
            keptAlive.close();
            expected.put("revoked", HANDSHAKE_REFUSED);
            assertThat(refused("revoked")).isGreaterThan(revokedBefore);
        } finally {
            PKI.revocationList(List.of(), Duration.ofDays(30), REVOCATION_LIST);
        }

        long refusedCount = outcomes.entrySet().stream().filter(e -> e.getValue().equals(expected.get(e.getKey()))).count();
        System.out.printf("mutual TLS negatives: %d/%d refused as expected %s%n", refusedCount, expected.size(), outcomes);
        assertThat(outcomes).isEqualTo(expected);
        assertThat(records()).isEqualTo(recordsBefore);
        assertThat(refused("expired")).isPositive();
        assertThat(refused("untrusted")).isPositive();
        // a registered partner is still served while all this goes on
        assertThat(attempt(PartnerClient.tls(PKI.partnerCertificate("cs-suffolk"), PKI.partnerKey("cs-suffolk"),
                PKI.caCertificate()))).isEqualTo("HTTP 400");
    }

    /** Posts an empty message; returns the HTTP status code, or that the handshake was refused. */
    private String attempt(SSLContext tls) {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(30_000);
            String answer = exchange(socket, true);
            return answer.substring(0, Math.min(answer.length(), "HTTP 000".length()));
        } catch (IOException e) {
            return HANDSHAKE_REFUSED;
        }
    }

    /** Like {@link #attempt}, saying "revoked" when the answer does. */
    private String exchangeOn(SSLContext tls) {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(30_000);
            String answer = exchange(socket, true);
            return answer.startsWith("HTTP 403") && answer.contains("revoked") ? "HTTP 403 revoked" : answer;
        } catch (IOException e) {
            return HANDSHAKE_REFUSED;
        }
    }

    /** One request on the socket; the answer as "HTTP <status> <body>". TLS 1.3 reports a refused client certificate on the first read. */
    private static String exchange(SSLSocket socket, boolean close) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /fhir/$process-message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\n"
                + "Content-Length: 2\r\nConnection: " + (close ? "close" : "keep-alive") + "\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c == -1) {
                throw new IOException("closed");
            }
            head.append((char) c);
        }
        String headers = head.toString();
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return "HTTP " + headers.substring(9, 12) + " " + body;
    }

    /** TLS presenting the certificate even when the server asks for another authority's. */
    private static SSLContext offering(Path certificate, Path key) throws Exception {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(KeyMaterial.load(certificate, key).toKeyStore("own", "test".toCharArray()), "test".toCharArray());
        X509ExtendedKeyManager keys = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
        X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "own";
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "own";
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[]{"own"};
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return keys.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return keys.getPrivateKey(alias);
            }
        };
        SSLContext tls = SSLContext.getInstance("TLS");
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(TlsContexts.trustStore(Pem.readCertificates(PKI.caCertificate())));
        tls.init(new KeyManager[]{always}, trust.getTrustManagers(), null);
        return tls;
    }

    private double refused(String reason) {
        return meters.find("carebridge.tls.handshakes.refused").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static void selfSigned(String commonName, Path certFile, Path keyFile) throws Exception {
        KeyPair keys = DevPki.ecKeyPair();
        X500Name name = new X500Name("CN=" + commonName + ",O=CareBridge DEV-ONLY");
        Instant now = Instant.now();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        Files.writeString(certFile, Pem.encode(null, cert));
        Files.writeString(keyFile, Pem.encode(null, keys.getPrivate()));
    }
}
