package org.carebridge.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The admin API: what the console's operators and administrators do, scripted, refused without the right role. */
class AdminApiTest extends GatewayTest {

    private ConsoleUsers.Api api(String user) throws Exception {
        return ConsoleUsers.Api.as(DATA_DIR, user, PKI.caCertificate(), baseUrl());
    }

    @org.junit.jupiter.api.AfterEach
    void partnersBackOnline() {
        inbox("vs-suffolk").setOnline(true);
    }

    @Test
    void anOperatorResendsADeadLetterOnceThePartnerIsBackAndItArrivesWithItsMessageId() throws Exception {
        String messageId = Examples.newMessageId();
        String deliveryId = deadLetterFor("vs-suffolk", messageId);

        JsonNode listed = json(api("operator").get("/admin/api/dead-letters?partner=vs-suffolk&limit=500").body());
        assertThat(listed.path("items").findValuesAsText("deliveryId")).contains(deliveryId);
        JsonNode item = find(listed.path("items"), deliveryId);
        assertThat(item.path("attempts").asInt()).isEqualTo(6);
        assertThat(item.path("reason").asText()).contains("503");

        var auditor = api("auditor").post("/admin/api/dead-letters/redeliver", "{\"deliveryIds\":[\"" + deliveryId + "\"],\"reason\":\"back\"}");
        assertThat(auditor.statusCode()).isEqualTo(403);
        var noReason = api("operator").post("/admin/api/dead-letters/redeliver", "{\"deliveryIds\":[\"" + deliveryId + "\"]}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(json(noReason.body()).path("detail").asText()).isEqualTo("Enter a reason");
        var notJson = api("operator").post("/admin/api/dead-letters/redeliver", "deliveryIds=" + deliveryId);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(state(deliveryId)).isEqualTo("DEAD_LETTERED");

        inbox("vs-suffolk").accept(messageId);
        var sent = api("operator").post("/admin/api/dead-letters/redeliver",
                "{\"deliveryIds\":[\"" + deliveryId + "\"],\"reason\":\"virtual school endpoint restored\"}");
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(json(sent.body()).path("redelivered").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("vs-suffolk", messageId)));
        await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(state(deliveryId)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList("""
                select actor || ' ' || actor_role from audit_entry where kind = 'REDELIVERED' and recipient = 'vs-suffolk'
                and tracking_id = (select tracking_id::text from delivery where delivery_id = ?::uuid)""", String.class, deliveryId))
                .containsExactly("operator operator"));
        // the reason stays with the action, not in the ledger
        assertThat(jdbc.queryForObject("select count(*) from audit_entry where reason like '%restored%'", Long.class)).isZero();
        var again = api("operator").post("/admin/api/dead-letters/redeliver", "{\"deliveryIds\":[\"" + deliveryId + "\"],\"reason\":\"twice\"}");
        assertThat(json(again.body()).path("redelivered").asInt()).isZero();
    }

    @Test
    void aBulkResendNeedsConfirmation() throws Exception {
        String messageId = Examples.newMessageId();
        String deliveryId = deadLetterFor("vs-suffolk", messageId);
        inbox("vs-suffolk").accept(messageId);
        var unconfirmed = api("operator").post("/admin/api/dead-letters/redeliver-matching", "{\"partner\":\"vs-suffolk\",\"reason\":\"back\"}");
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(json(unconfirmed.body()).path("matching").asLong()).isPositive();
        assertThat(state(deliveryId)).isEqualTo("DEAD_LETTERED");
        var confirmed = api("operator").post("/admin/api/dead-letters/redeliver-matching",
                "{\"partner\":\"vs-suffolk\",\"reason\":\"back\",\"confirm\":true}");
        assertThat(confirmed.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("vs-suffolk", messageId)));
    }

    @Test
    void aSuspendedPartnersCopiesWaitAndItsRecordsAreRefusedUntilItIsResumed() throws Exception {
        assertThat(api("operator").post("/admin/api/partners/health-norfolk/suspend", "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(api("admin").post("/admin/api/partners/health-norfolk/suspend", "{}").statusCode()).isEqualTo(400);
        assertThat(api("admin").post("/admin/api/partners/no-such-partner/suspend", "{\"reason\":\"x\"}").statusCode()).isEqualTo(400);
        var suspended = api("admin").post("/admin/api/partners/health-norfolk/suspend", "{\"reason\":\"certificate being replaced\"}");
        try {
            assertThat(suspended.statusCode()).isEqualTo(200);
            assertThat(json(suspended.body()).path("suspended").asBoolean()).isTrue();
            assertThat(json(suspended.body()).path("delivering").asBoolean()).isFalse();

            var refused = as("health-norfolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("OperationOutcome").contains("suspended");

            String messageId = Examples.newMessageId();
            assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("cs-norfolk", messageId)));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> !Files.exists(inboxFile("health-norfolk", messageId)));
            assertThat(json(api("auditor").get("/admin/api/queues").body()).path("health-norfolk").path("waiting").asLong()).isPositive();

            var resumed = api("admin").post("/admin/api/partners/health-norfolk/resume", "{\"reason\":\"new certificate installed\"}");
            assertThat(resumed.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("health-norfolk", messageId)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                    "select outcome from audit_entry where kind = 'CONFIG_CHANGED' and actor = 'admin' and recipient = 'health-norfolk' order by seq",
                    String.class)).containsSubsequence("partner-suspended", "partner-resumed"));
        } finally {
            api("admin").post("/admin/api/partners/health-norfolk/resume", "{\"reason\":\"test over\"}");
        }
    }

    @Test
    void theApiIsDescribedAndClosedToStrangers() throws Exception {
        var docs = api("auditor").get("/admin/api/openapi");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/admin/api/dead-letters/redeliver").doesNotContain("/ig/");
        var anonymous = java.net.http.HttpClient.newBuilder().sslContext(org.carebridge.gateway.support.PartnerClient.tls(null, null, PKI.caCertificate()))
                .build().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/admin/api/partners")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(api("ig-officer").get("/admin/api/partners").statusCode()).isEqualTo(403);
    }

    /** Sends a placement the partner fails on (503) until its copy is dead-lettered; the partner keeps refusing it. */
    String deadLetterFor(String partner, String messageId) throws Exception {
        inbox(partner).refuse(messageId, 503);
        var response = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
        assertThat(response.statusCode()).isEqualTo(202);
        String deliveryId = jdbc.queryForObject("""
                select d.delivery_id::text from delivery d join intake_record r using (tracking_id)
                where r.message_id = ? and d.recipient = ?""", String.class, messageId, partner);
        await().atMost(Duration.ofSeconds(60)).until(() -> "DEAD_LETTERED".equals(state(deliveryId)));
        return deliveryId;
    }

    String state(String deliveryId) {
        return jdbc.queryForObject("select state from delivery where delivery_id = ?::uuid", String.class, deliveryId);
    }

    private static JsonNode find(JsonNode items, String deliveryId) {
        for (JsonNode item : items) {
            if (deliveryId.equals(item.path("deliveryId").asText())) {
                return item;
            }
        }
        throw new AssertionError("no dead letter " + deliveryId);
    }
}
