package org.carebridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consent-governed flows end to end: a care leaver's police contact reaches the leaving-care service only with
 * consent, and not after it is withdrawn; a Liaison and Diversion summary without consent goes only on a safeguarding
 * override, which waits for IG review. Each test uses a fresh subject, so consents recorded here affect nothing else.
 */
class ConsentGovernedFlowsTest extends GatewayTest {

    @Test
    void careLeaverPoliceContactNeedsConsentAndStopsWhenItIsWithdrawn() throws Exception {
        String nhsNumber = Examples.freshNhsNumber();

        JsonNode withoutConsent = send("police-norfolk", careLeaverContact(nhsNumber));
        assertThat(decision(withoutConsent, "cs-suffolk").path("reason").asText()).isEqualTo("no-consent");

        HttpResponse<String> recorded = as("cs-suffolk").post("/fhir/Consent", "application/fhir+json",
                Examples.bytes(Files.readString(Examples.CONFIG.resolve("examples/consent-care-leaver-police-contact.json"))
                        .replace("9434765919", nhsNumber)));
        assertThat(recorded.statusCode()).isEqualTo(201);
        String consentId = json(recorded.body()).path("id").asText();

        String permittedId = Examples.newMessageId();
        JsonNode withConsent = send("police-norfolk", Examples.withMessageId(careLeaverContact(nhsNumber), permittedId));
        JsonNode permitted = decision(withConsent, "cs-suffolk");
        assertThat(permitted.path("outcome").asText()).isEqualTo("PERMIT");
        assertThat(permitted.path("consent").asText()).startsWith("Consent/" + consentId + "/_history/1");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("cs-suffolk", permittedId)));
        assertThat(Files.readString(inboxFile("cs-suffolk", permittedId))).doesNotContain("Never shared");

        String withdrawal = json(recorded.body()).deepCopy().toString().replace("\"status\":\"active\"", "\"status\":\"inactive\"");
        HttpResponse<String> withdrawn = as("cs-suffolk").put("/fhir/Consent/" + consentId, "application/fhir+json", Examples.bytes(withdrawal));
        assertThat(withdrawn.statusCode()).isEqualTo(200);

        String deniedId = Examples.newMessageId();
        JsonNode afterWithdrawal = send("police-norfolk", Examples.withMessageId(careLeaverContact(nhsNumber), deniedId));
        JsonNode denied = decision(afterWithdrawal, "cs-suffolk");
        assertThat(denied.path("outcome").asText()).isEqualTo("DENY");
        assertThat(denied.path("reason").asText()).isEqualTo("consent-withdrawn");
        assertThat(denied.path("explanation").asText()).contains("withdrew");
        assertThat(afterWithdrawal.path("recipients")).isEmpty();
        assertThat(inboxFile("cs-suffolk", deniedId)).doesNotExist();
    }

    @Test
    void aLiaisonAndDiversionSummaryWithoutConsentGoesOnlyOnAnOverrideWhichWaitsForReview() throws Exception {
        String childId = "SCC-" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        String plain = Files.readString(Examples.CONFIG.resolve("examples/liaison-diversion-health-summary.json")).replace("SCC-000123", childId);
        JsonNode denied = send("health-norfolk", Examples.withMessageId(plain, Examples.newMessageId()));
        assertThat(decision(denied, "yjs-norfolk").path("reason").asText()).isEqualTo("no-consent");

        String messageId = Examples.newMessageId();
        String withOverride = Examples.withMessageId(Files.readString(Examples.CONFIG.resolve(
                "examples/liaison-diversion-health-summary-override.json")).replace("SCC-000123", childId), messageId);
        JsonNode overridden = send("health-norfolk", withOverride);
        JsonNode decision = decision(overridden, "yjs-norfolk");
        assertThat(decision.path("outcome").asText()).isEqualTo("PERMIT_BY_OVERRIDE");
        // who asserted it is kept with the override review, sealed with the record, not in the decision
        assertThat(decision.path("explanation").asText()).contains("safeguarding override").contains("review")
                .doesNotContain("L&D practitioner 4471");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("yjs-norfolk", messageId)));
        assertThat(Files.readString(inboxFile("yjs-norfolk", messageId))).contains("406506008").doesNotContain("Never shared");
        assertThat(jdbc.queryForObject("""
                select status from override_review o join intake_record r using (tracking_id)
                where r.message_id = ? and o.recipient = 'yjs-norfolk'""", String.class, messageId)).isEqualTo("PENDING");
    }

    private JsonNode send(String sender, String message) throws Exception {
        HttpResponse<String> response = as(sender).processMessage(Examples.bytes(message));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(as(sender).get(response.headers().firstValue("Location").orElseThrow()).body());
    }

    private static String careLeaverContact(String nhsNumber) throws Exception {
        return Examples.withMessageId(Files.readString(Examples.CONFIG.resolve("examples/care-leaver-police-contact.json"))
                .replace("9434765919", nhsNumber), Examples.newMessageId());
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
