package org.carebridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flows beyond placement, care leavers and Liaison and Diversion, end to end through the gateway: the example
 * messages posted by their senders over mutual TLS, and what reaches (and does not reach) the demo partners' inboxes,
 * including the partners added for these flows (safeguarding hubs, Suffolk police and youth justice).
 */
class AllFlowsRoutesTest extends GatewayTest {

    @Test
    void aGoldenHourNotificationForAChildPlacedOutOfAreaReachesTheFrontDoorLiaisonAndDiversionAndTheResponsibleAuthority() throws Exception {
        String messageId = Examples.newMessageId();

        JsonNode status = send("police-norfolk", "custody-notification.json", messageId);

        assertThat(decision(status, "cs-suffolk").path("rule").asText()).isEqualTo("responsible-authority-out-of-area");
        for (String recipient : List.of("mash-norfolk", "health-norfolk", "cs-suffolk")) {
            assertThat(decision(status, recipient).path("outcome").asText()).isEqualTo("PERMIT");
            String copy = delivered(recipient, messageId);
            assertThat(copy).contains("2026-11-21T19:40:00+00:00").doesNotContain("Never shared").doesNotContain("UKCore-EthnicCategory");
        }
        // The arrest reason is the officer's free text (Encounter.reasonCode.text), which no profile names: it stays behind.
        assertThat(Files.readString(inboxFile("mash-norfolk", messageId))).contains("NC-2026-11-0457").contains("SC480321")
                .doesNotContain("criminal damage");
        assertThat(Files.readString(inboxFile("health-norfolk", messageId))).doesNotContain("criminal damage").doesNotContain("SC480321");
        for (String notRecipient : List.of("cs-norfolk", "police-norfolk", "mash-suffolk", "health-suffolk", "police-suffolk")) {
            assertThat(inboxFile(notRecipient, messageId)).doesNotExist();
        }
    }

    @Test
    void aGoldenHourNotificationForALocalChildDoesNotGoToTheResponsibleAuthorityAsWell() throws Exception {
        String messageId = Examples.newMessageId();

        JsonNode status = send("police-norfolk", "custody-notification-local.json", messageId);

        JsonNode denied = decision(status, "cs-norfolk");
        assertThat(denied.path("outcome").asText()).isEqualTo("DENY");
        assertThat(denied.path("reason").asText()).isEqualTo("condition-not-met");
        assertThat(denied.path("explanation").asText()).contains("placed out of area");
        delivered("mash-norfolk", messageId);
        assertThat(inboxFile("cs-norfolk", messageId)).doesNotExist();
    }

    @Test
    void aProsecutionFileGoesToThePoliceWithoutTheAssessmentOfNeedsTheChildDoesNotWishConsidered() throws Exception {
        String messageId = Examples.newMessageId();

        JsonNode status = send("cs-suffolk", "prosecution-file-checklist-not-wished.json", messageId);

        assertThat(decision(status, "police-norfolk").path("profile").asText()).isEqualTo("prosecution-file-police");
        String copy = delivered("police-norfolk", messageId);
        assertThat(copy).contains("\"DocumentReference\"").contains("behaviour-policy").doesNotContain("\"CarePlan\"");
    }

    @Test
    void newPartnersSendAndReceive() throws Exception {
        String referral = Examples.newMessageId();
        JsonNode mash = send("police-suffolk", "mash-referral-urgent.json", referral);
        assertThat(decision(mash, "mash-suffolk").path("agreement").asText()).isEqualTo("mash-referral");
        assertThat(delivered("mash-suffolk", referral)).contains("\"urgent\"").doesNotContain("Never shared");
        assertThat(inboxFile("mash-norfolk", referral)).doesNotExist();

        String update = Examples.newMessageId();
        JsonNode education = send("vs-suffolk", "education-update.json", update);
        assertThat(decision(education, "yjs-suffolk").path("rule").asText()).isEqualTo("youth-justice-on-exclusion-or-missing-education");
        assertThat(delivered("yjs-suffolk", update)).contains("suspension").doesNotContain("Example Academy").doesNotContain("195967001");
        assertThat(delivered("cs-suffolk", update)).contains("Example Academy").doesNotContain("195967001");
    }

    @Test
    void aHealthSummaryAddressedToASchoolIsDeniedOnTheRecordAndInTheLedger() throws Exception {
        String messageId = Examples.newMessageId();
        com.fasterxml.jackson.databind.node.ObjectNode message = (com.fasterxml.jackson.databind.node.ObjectNode) json(
                Examples.withMessageId(Files.readString(Examples.CONFIG.resolve("examples/liaison-diversion-health-summary.json")), messageId));
        ((com.fasterxml.jackson.databind.node.ObjectNode) message.path("entry").get(0).path("resource")).putArray("destination")
                .addObject().put("name", "Norfolk virtual school").put("endpoint", "urn:carebridge:partner:vs-norfolk");

        HttpResponse<String> response = as("health-norfolk").processMessage(Examples.bytes(message.toString()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode status = json(as("health-norfolk").get(response.headers().firstValue("Location").orElseThrow()).body());

        JsonNode school = decision(status, "vs-norfolk");
        assertThat(school.path("outcome").asText()).isEqualTo("DENY");
        assertThat(school.path("reason").asText()).isEqualTo("no-agreement");
        assertThat(school.path("explanation").asText()).contains("addressed vs-norfolk", "no agreement");
        String trackingId = status.path("trackingId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("""
                select count(*) from audit_entry where tracking_id = ? and recipient = 'vs-norfolk' and outcome = 'DENY'
                   and reason = 'no-agreement'""", Long.class, trackingId) == 1);
        // Nobody addressed the other schools or partners no rule names: they are not in the decisions.
        assertThat(status.path("decisions")).extracting(d -> d.path("recipient").asText()).doesNotContain("vs-suffolk", "mash-norfolk");
        assertThat(inboxFile("vs-norfolk", messageId)).doesNotExist();
    }

    private JsonNode send(String sender, String example, String messageId) throws Exception {
        String message = Examples.withMessageId(Files.readString(Examples.CONFIG.resolve("examples/" + example)), messageId);
        HttpResponse<String> response = as(sender).processMessage(Examples.bytes(message));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(as(sender).get(response.headers().firstValue("Location").orElseThrow()).body());
    }

    private String delivered(String recipient, String messageId) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile(recipient, messageId)));
        String copy = Files.readString(inboxFile(recipient, messageId));
        assertThat(json(copy).path("id").asText()).isEqualTo(messageId);
        return copy;
    }

    private static JsonNode decision(JsonNode status, String recipient) {
        for (JsonNode d : status.path("decisions")) {
            if (recipient.equals(d.path("recipient").asText())) {
                return d;
            }
        }
        throw new AssertionError("no decision for " + recipient + " in " + status);
    }
}
