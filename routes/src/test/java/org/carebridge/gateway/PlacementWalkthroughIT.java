package org.carebridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The README walkthrough: a placement notification from Suffolk reaches Norfolk's agencies and Suffolk's virtual school. */
class PlacementWalkthroughIT extends GatewayTest {

    @Test
    void placementNotificationReachesTheThreeAgenciesAndNotThePolice() throws Exception {
        String messageId = Examples.newMessageId();
        byte[] body = Examples.bytes(Examples.placementNotification(messageId));

        HttpResponse<String> response = as("cs-suffolk").processMessage(body);

        assertThat(response.statusCode()).isEqualTo(202);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(baseUrl() + "/records/");
        assertThat(json(response.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");

        for (String recipient : new String[]{"cs-norfolk", "health-norfolk", "vs-suffolk"}) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile(recipient, messageId)));
            String copy = Files.readString(inboxFile(recipient, messageId));
            assertThat(json(copy).path("id").asText()).isEqualTo(messageId);
            assertThat(copy).doesNotContain("Never shared");
        }
        // Each copy is minimised to its recipient's profile: health detail for health, none for the virtual school.
        assertThat(Files.readString(inboxFile("health-norfolk", messageId))).contains("\"Condition\"").contains("9434765919");
        assertThat(Files.readString(inboxFile("vs-suffolk", messageId))).doesNotContain("\"Condition\"").doesNotContain("Asthma");
        for (String notRecipient : new String[]{"police-norfolk", "cs-suffolk", "health-suffolk", "vs-norfolk", "yjs-norfolk"}) {
            assertThat(inboxFile(notRecipient, messageId)).doesNotExist();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode status = json(as("cs-suffolk").get(location).body());
            assertThat(status.path("recipients")).hasSize(3);
            status.path("recipients").forEach(r -> assertThat(r.path("state").asText()).isEqualTo("DELIVERED"));
        });
        JsonNode status = json(as("cs-suffolk").get(location).body());
        assertThat(recipient(status, "health-norfolk").path("rule").asText()).isEqualTo("receiving-area-health");
        assertThat(recipient(status, "vs-suffolk").path("agreement").asText()).isEqualTo("placement-notification");
        JsonNode police = decision(status, "police-norfolk");
        assertThat(police.path("outcome").asText()).isEqualTo("DENY");
        assertThat(police.path("reason").asText()).isEqualTo("condition-not-met");
        assertThat(police.path("explanation").asText()).contains("current risk flag");
        assertThat(decision(status, "vs-suffolk").path("profile").asText()).isEqualTo("placement-virtual-school");
        assertThat(decision(status, "vs-suffolk").path("lawfulBasis").asText()).contains("UK GDPR 6(1)(c)");
    }

    @Test
    void withACurrentRiskFlagThePoliceGetThePlacementButNoHealthDetail() throws Exception {
        String messageId = Examples.newMessageId();
        String message = Examples.withMessageId(Files.readString(Examples.CONFIG.resolve("examples/placement-notification-risk-flag.json")), messageId);

        var response = as("cs-suffolk").processMessage(Examples.bytes(message));

        assertThat(response.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("police-norfolk", messageId)));
        String copy = Files.readString(inboxFile("police-norfolk", messageId));
        assertThat(copy).contains("child-exploitation").doesNotContain("\"Condition\"").doesNotContain("Asthma");
    }

    private static JsonNode decision(JsonNode status, String recipient) {
        for (JsonNode d : status.path("decisions")) {
            if (recipient.equals(d.path("recipient").asText())) {
                return d;
            }
        }
        throw new AssertionError("no decision for " + recipient);
    }

    @Test
    void theStatusIsReadableByTheSenderOnly() throws Exception {
        HttpResponse<String> response = as("cs-suffolk").processMessage(
                Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
        String location = response.headers().firstValue("Location").orElseThrow();

        HttpResponse<String> other = as("cs-norfolk").get(location);

        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(json(other.body()).path("issue").get(0).path("diagnostics").asText()).contains("Only the partner that sent");
        assertThat(as("cs-suffolk").get("/records/00000000-0000-0000-0000-000000000000").statusCode()).isEqualTo(404);
    }

    @Test
    void aResentMessageIsAcceptedOnceAndDeliveredOnce() throws Exception {
        String messageId = Examples.newMessageId();
        byte[] body = Examples.bytes(Examples.placementNotification(messageId));

        HttpResponse<String> first = as("cs-suffolk").processMessage(body);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("cs-norfolk", messageId)));
        long deliveriesBefore = deliveries();
        HttpResponse<String> second = as("cs-suffolk").processMessage(body);

        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(json(second.body()).path("issue").get(0).path("diagnostics").asText()).contains("already accepted");
        assertThat(deliveries()).isEqualTo(deliveriesBefore);
    }
}
