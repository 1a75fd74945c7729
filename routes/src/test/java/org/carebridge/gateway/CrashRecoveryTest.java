package org.carebridge.gateway;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.seal.GatewayKeys;
import org.carebridge.gateway.seal.SealingProperties;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.PartnerRegistryLoader;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record accepted (202) just before the gateway's JVM is killed with SIGKILL is delivered after a restart, exactly once
 * per recipient. The gateway runs as a separate process; the partners are down until it has been killed, so nothing
 * can have been delivered before the crash.
 */
class CrashRecoveryTest {

    private static final String[] RECIPIENTS = {"cs-norfolk", "health-norfolk", "vs-suffolk"};

    private final Path data = createDataDir();
    private final int port = GatewayTest.freePort();
    private final int managementPort = GatewayTest.freePort();
    private final int partnersPort = GatewayTest.freePort();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRecordAcceptedBeforeAHardKillIsDeliveredAfterRestartExactlyOncePerRecipient() throws Exception {
        Process gateway = start(1);
        DemoPartnerServer partners = null;
        try {
            awaitHealthy(gateway);
            DevPki pki = new DevPki(data.resolve("pki"));
            PartnerClient sender = PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                    pki.caCertificate(), "https://localhost:" + port);
            String messageId = Examples.newMessageId();

            HttpResponse<String> accepted = sender.processMessage(Examples.bytes(Examples.placementNotification(messageId)));
            assertThat(accepted.statusCode()).isEqualTo(202);
            String trackingId = accepted.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow();
            // the placement's statutory clock started with the record
            assertThat(clockTrackingIds(pki, "RUNNING")).contains(trackingId);
            gateway.destroyForcibly().waitFor();

            partners = startPartners();
            gateway = start(2);
            awaitHealthy(gateway);

            for (String recipient : RECIPIENTS) {
                Path file = partners.inbox(recipient).orElseThrow().dir().resolve(messageId + ".json");
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(file));
            }
            String location = accepted.headers().firstValue("Location").orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String status = sender.get(location).body();
                return status.split("\"DELIVERED\"", -1).length - 1 == RECIPIENTS.length;
            });
            for (String recipient : RECIPIENTS) {
                // one message: its copy as read (.json), and for sealed recipients the copy as it arrived (.p7m)
                assertThat(partners.inbox(recipient).orElseThrow().files()).as(recipient)
                        .allSatisfy(f -> assertThat(f.getFileName().toString()).startsWith(messageId + "."))
                        .filteredOn(f -> f.getFileName().toString().endsWith(".json")).hasSize(1);
            }
            assertThat(partners.inbox("police-norfolk").orElseThrow().files()).isEmpty();
            // the clock survived the crash and stopped when the last copy was delivered after the restart
            assertThat(clockTrackingIds(pki, "STOPPED")).contains(trackingId);
            assertThat(clockTrackingIds(pki, "RUNNING")).doesNotContain(trackingId);
        } finally {
            gateway.destroy();
            if (!gateway.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
            if (partners != null) {
                partners.stop();
            }
        }
    }

    /** Tracking ids of the clocks in {@code state}, read from the IG view as the dev-only ig-officer. */
    private List<String> clockTrackingIds(DevPki pki, String state) throws Exception {
        java.util.Properties users = new java.util.Properties();
        try (var in = Files.newInputStream(data.resolve("pki/ig-users.dev-only.txt"))) {
            users.load(in);
        }
        String basic = java.util.Base64.getEncoder().encodeToString(("ig-officer:" + users.getProperty("ig-officer"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> response = PartnerClient.anonymous(pki.caCertificate(), "https://localhost:" + port)
                .get("/ig/clocks?state=" + state, java.util.Map.of("Authorization", "Basic " + basic));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).findValues("trackingId").stream()
                .map(com.fasterxml.jackson.databind.JsonNode::asText).toList();
    }

    private Process start(int run) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName(),
                "--carebridge.data-dir=" + data,
                "--carebridge.config-dir=" + Examples.CONFIG.toAbsolutePath(),
                "--server.port=" + port,
                "--management.server.port=" + managementPort,
                "--carebridge.demo-partners.enabled=false",
                "--carebridge.demo-partners.port=" + partnersPort,
                "--carebridge.delivery.initial-delay=200ms",
                "--carebridge.delivery.max-delay=1s",
                "--carebridge.delivery.max-attempts=1000",
                // The example's placement date will one day be past its deadline; no clock-breach alert may join the inboxes.
                "--carebridge.clocks.scan-interval=1h"));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(new File(data.toFile(), "gateway-run-" + run + ".log"))
                .start();
    }

    private DemoPartnerServer startPartners() {
        Path pkiDir = data.resolve("pki");
        String baseUrl = "https://localhost:" + partnersPort;
        Map<String, String> placeholders = Map.of("carebridge.demo-partners.base-url", baseUrl, "carebridge.pki.dir", pkiDir.toString());
        List<Partner> partners = new PartnerRegistryLoader(placeholders::get).read(Examples.CONFIG.resolve("partners.yaml"));
        CarebridgeProperties.Pki pkiProperties = new CarebridgeProperties.Pki(pkiDir, true,
                pkiDir.resolve("gateway.dev-only.crt.pem"), pkiDir.resolve("gateway.dev-only.key.pem"), List.of(pkiDir.resolve("ca.crt.pem")));
        GatewayPki pki = new GatewayPki(pkiProperties, partners.stream().map(Partner::id).toList());
        CarebridgeProperties properties = new CarebridgeProperties(data, Examples.CONFIG, pkiProperties, null, null,
                new CarebridgeProperties.DemoPartners(true, partnersPort, baseUrl));
        GatewayKeys gatewayKeys = new GatewayKeys(new SealingProperties(List.of(SealingProperties.KeyEntry.pem(
                pki.devPki().gatewaySigningCertificate(), pki.devPki().gatewaySigningKey())), List.of(), List.of(), null));
        DemoPartnerServer server = new DemoPartnerServer(properties, PartnerRegistry.of("partners.yaml", partners), pki,
                FhirContext.forR4Cached(), gatewayKeys);
        server.start();
        return server;
    }

    private void awaitHealthy(Process gateway) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(gateway.isAlive()).as("gateway process is running").isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory(Files.createDirectories(Paths.get("target", "it-data")), "crash-").toAbsolutePath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
