package org.carebridge.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.security.crypto.DevPki;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The whole gateway on the real stack: embedded Artemis and PostgreSQL under a fresh data directory, HTTPS with mutual
 * TLS on a random partner port, and the demo partners as the receiving agencies. One context is shared by every test
 * class that extends this, so tests use fresh message ids and never assume an empty database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
public abstract class GatewayTest {

    /** The system property that overrides the tests' body read timeout. */
    protected static final String BODY_READ_TIMEOUT = "carebridge.test.body-read-timeout";
    protected static final Path DATA_DIR = createDataDir();
    protected static final int DEMO_PARTNERS_PORT = freePort();
    protected static final int DEMO_SFTP_PORT = freePort();
    protected static final int DEMO_SMTP_PORT = freePort();
    protected static final DevPki PKI = new DevPki(DATA_DIR.resolve("pki"));
    /**
     * The revocation list the gateway checks partners' certificates and signatures against (carebridge.sealing.crls),
     * signed by the dev CA before the gateway starts, revoking nothing; a test rewrites it to revoke a certificate.
     */
    protected static final Path REVOCATION_LIST = revocationList();
    protected static final ObjectMapper JSON = new ObjectMapper();
    /** Signs test IG users' Bearer tokens: its public key is the configured OIDC key (carebridge.ig.oidc). */
    protected static final KeyPair IG_OIDC_KEY = igOidcKey();
    /** The console's identity provider: oidc-lead holds admin and ig-officer; oidc-visitor holds no console role. */
    protected static final TestIdentityProvider IDENTITY_PROVIDER = new TestIdentityProvider(java.util.Map.of(
            "oidc-lead", java.util.List.of("admin", "ig-officer", "not-a-console-role"), "oidc-visitor", java.util.List.of("staff")));

    @LocalServerPort
    protected int port;

    @LocalManagementPort
    protected int managementPort;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected DemoPartnerServer demoPartners;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("carebridge.data-dir", DATA_DIR::toString);
        registry.add("carebridge.config-dir", Examples.CONFIG::toString);
        registry.add("carebridge.demo-partners.port", () -> DEMO_PARTNERS_PORT);
        registry.add("carebridge.demo-partners.sftp-port", () -> DEMO_SFTP_PORT);
        registry.add("carebridge.demo-partners.smtp-port", () -> DEMO_SMTP_PORT);
        registry.add("server.port", () -> "0");
        registry.add("management.server.port", () -> "0");
        registry.add("carebridge.delivery.initial-delay", () -> "200ms");
        registry.add("carebridge.delivery.max-delay", () -> "1s");
        registry.add("carebridge.delivery.max-attempts", () -> "6");
        registry.add("carebridge.delivery.sweep-interval", () -> "2s");
        // stopping a partner's route waits out its consumers' receive; the tests stop and replace routes often
        registry.add("carebridge.delivery.receive-timeout", () -> "1s");
        registry.add("carebridge.delivery.circuit.probe-interval", () -> "300ms");
        registry.add("carebridge.delivery.backlog-refresh", () -> "100ms");
        registry.add("carebridge.intake.max-body-bytes", () -> "262144");
        // short, so that PartnerPortTest sees a slow body refused; loopback bodies arrive in milliseconds. A subclass
        // registering the same property does not win over this, so the slow-client run sets it through a system property.
        registry.add("carebridge.intake.body-read-timeout", () -> System.getProperty(BODY_READ_TIMEOUT, "5s"));
        // Clock scans only when a test calls ClockScanner.scan(now), so no test sees another's alerts appear.
        registry.add("carebridge.clocks.scan-interval", () -> "1h");
        // Refusal tallies reach the ledger when a test flushes them; IG tests' few wrong passwords never meet a delay.
        registry.add("carebridge.audit.refusal-interval", () -> "1h");
        // Mailboxes expire and the demo partners pull only when a test asks (MailboxTest), with its own clock.
        registry.add("carebridge.mailbox.expiry-interval", () -> "1h");
        registry.add("carebridge.demo-partners.mailbox-poll", () -> "1h");
        registry.add("carebridge.ig.sign-in.free-attempts", () -> "20");
        registry.add("carebridge.ig.sign-in.lockout-after", () -> "40");
        registry.add("carebridge.sealing.crls", REVOCATION_LIST::toString);
        registry.add("carebridge.sealing.crl-refresh", () -> "200ms");
        registry.add("carebridge.ig.oidc.public-key-location", () -> DATA_DIR.resolve("ig-oidc-test.pub.pem").toString());
        registry.add("carebridge.console.oidc.issuer-uri", IDENTITY_PROVIDER::issuer);
        registry.add("carebridge.console.oidc.client-id", () -> TestIdentityProvider.CLIENT_ID);
        registry.add("carebridge.console.oidc.client-secret", () -> TestIdentityProvider.CLIENT_SECRET);
        registry.add("carebridge.console.oidc.label", () -> "the test identity provider");
    }

    protected PartnerClient as(String partnerId) throws Exception {
        return PartnerClient.withCertificate(PKI.partnerCertificate(partnerId), PKI.partnerKey(partnerId), PKI.caCertificate(), baseUrl());
    }

    protected String baseUrl() {
        return "https://localhost:" + port;
    }

    protected DemoInbox inbox(String partnerId) {
        return demoPartners.inbox(partnerId).orElseThrow();
    }

    protected Path inboxFile(String partnerId, String messageId) {
        return inbox(partnerId).dir().resolve(messageId + ".json");
    }

    protected long records() {
        return jdbc.queryForObject("select count(*) from intake_record", Long.class);
    }

    protected long deliveries() {
        return jdbc.queryForObject("select count(*) from delivery", Long.class);
    }

    protected static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static JsonNode recipient(JsonNode status, String partnerId) {
        for (JsonNode r : status.path("recipients")) {
            if (partnerId.equals(r.path("recipient").asText())) {
                return r;
            }
        }
        return null;
    }

    private static Path createDataDir() {
        try {
            Path base = Files.createDirectories(Paths.get("target", "it-data"));
            return Files.createTempDirectory(base, "gateway-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path revocationList() {
        PKI.ensure(List.of());
        Path crl = DATA_DIR.resolve("pki").resolve("revocations.crl.pem");
        PKI.revocationList(List.of(), Duration.ofDays(30), crl);
        return crl;
    }

    private static KeyPair igOidcKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.writeString(DATA_DIR.resolve("ig-oidc-test.pub.pem"), "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port free now and not handed out before in this JVM (the system may offer a just-closed port again). */
    public static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HandedOutPorts.PORTS.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A holder, so that the set exists before the static fields above ask for their ports. */
    private static final class HandedOutPorts {
        static final java.util.Set<Integer> PORTS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    }
}
