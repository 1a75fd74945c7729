package org.carebridge.gateway;

import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record accepted (202) just before the gateway's JVM is killed with SIGKILL is delivered after a restart, exactly once
 * per recipient. The gateway runs as a separate process; the partners are down until it has been killed, so nothing
 * can have been delivered before the crash.
 */
class CrashRecoveryIT {

    private static final String[] RECIPIENTS = {"cs-norfolk", "health-norfolk", "vs-suffolk"};

    private final GatewayProcess gateway = new GatewayProcess();
    private final Path data = gateway.dataDir();

    @Test
    void aRecordAcceptedBeforeAHardKillIsDeliveredAfterRestartExactlyOncePerRecipient() throws Exception {
        DemoPartnerServer partners = null;
        try {
            gateway.start();
            DevPki pki = new DevPki(data.resolve("pki"));
            PartnerClient sender = PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                    pki.caCertificate(), gateway.baseUrl());
            String messageId = Examples.newMessageId();

            HttpResponse<String> accepted = sender.processMessage(Examples.bytes(Examples.placementNotification(messageId)));
            assertThat(accepted.statusCode()).isEqualTo(202);
            String trackingId = accepted.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow();
            // the placement's statutory clock started with the record
            assertThat(clockTrackingIds(pki, "RUNNING")).contains(trackingId);
            gateway.kill();

            partners = gateway.startPartners();
            gateway.start();

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
            gateway.stop();
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
        HttpResponse<String> response = PartnerClient.anonymous(pki.caCertificate(), gateway.baseUrl())
                .get("/ig/clocks?state=" + state, java.util.Map.of("Authorization", "Basic " + basic));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).findValues("trackingId").stream()
                .map(com.fasterxml.jackson.databind.JsonNode::asText).toList();
    }
}
