package org.carebridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind of bad input gets a 4xx with an OperationOutcome saying what is wrong, and nothing is stored or queued. */
class IntakeRefusalTest extends GatewayTest {

    private long recordsBefore;
    private long deliveriesBefore;

    @BeforeEach
    void countBefore() {
        recordsBefore = records();
        deliveriesBefore = deliveries();
    }

    @Test
    void wrongContentType() throws Exception {
        var response = as("cs-suffolk").post("/fhir/$process-message", "text/plain",
                Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
        assertRefused(response, 415, "Content-Type must be application/fhir+json");
    }

    @Test
    void invalidJson() throws Exception {
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes("{\"resourceType\": \"Bundle\", ")), 400, "not valid JSON");
    }

    @Test
    void jsonThatIsNotAMessageBundle() throws Exception {
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes("{\"resourceType\": \"Patient\", \"id\": \"x\"}")),
                422, "must be a FHIR Bundle of type message");
        String collection = Examples.placementNotification(Examples.newMessageId()).replace("\"type\": \"message\"", "\"type\": \"collection\"");
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes(collection)), 422, "Bundle.type must be 'message'");
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes("{\"hello\": \"world\"}")), 400, "not a valid FHIR R4 resource");
    }

    @Test
    void unknownEvent() throws Exception {
        String body = Examples.placementNotification(Examples.newMessageId())
                .replace("\"code\": \"placement-notification\"", "\"code\": \"pizza-delivery\"");
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes(body)), 422, "MessageHeader.eventCoding must be a code from");
    }

    @Test
    void overSizeBody() throws Exception {
        String padding = "x".repeat(300_000);
        String body = Examples.placementNotification(Examples.newMessageId())
                .replace("\"name\": \"Example children's home\"", "\"name\": \"" + padding + "\"");
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes(body)), 413, "larger than the limit");
    }

    @Test
    void tooDeepNesting() throws Exception {
        String deep = "{\"resourceType\": \"Bundle\", \"x\": " + "[".repeat(100) + "]".repeat(100) + "}";
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes(deep)), 400, "nesting is deeper than the limit");
    }

    @Test
    void noClientCertificate() throws Exception {
        var response = PartnerClient.anonymous(PKI.caCertificate(), baseUrl())
                .processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
        assertRefused(response, 401, "TLS client certificate");
    }

    @Test
    void certificateOfAnUnregisteredPartner() throws Exception {
        PKI.ensure(List.of("not-registered"));
        var response = PartnerClient.withCertificate(PKI.partnerCertificate("not-registered"), PKI.partnerKey("not-registered"),
                PKI.caCertificate(), baseUrl()).processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
        assertRefused(response, 403, "not registered to any partner");
    }

    @Test
    void certificateFromAnUnknownAuthorityFailsTheHandshake() throws Exception {
        Path elsewhere = Files.createTempDirectory(DATA_DIR, "other-ca-");
        DevPki otherPki = new DevPki(elsewhere);
        otherPki.ensure(List.of("cs-suffolk"));
        PartnerClient impostor = PartnerClient.withCertificate(otherPki.partnerCertificate("cs-suffolk"),
                otherPki.partnerKey("cs-suffolk"), PKI.caCertificate(), baseUrl());

        assertThatThrownBy(() -> impostor.processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId()))))
                .isInstanceOf(IOException.class);
        assertNothingStored();
    }

    @Test
    void sourceThatIsNotTheCaller() throws Exception {
        var response = as("cs-norfolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
        assertRefused(response, 403, "MessageHeader.source.endpoint must be 'urn:carebridge:partner:cs-norfolk'");
    }

    @Test
    void bundleWithoutAMessageId() throws Exception {
        String body = Examples.placementNotification("x").replaceFirst("\"id\": \"x\",", "");
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes(body)), 422, "Bundle.id is required");
    }

    @Test
    void anIncompleteSafeguardingOverride() throws Exception {
        String body = Examples.withMessageId(java.nio.file.Files.readString(Examples.CONFIG.resolve(
                "examples/liaison-diversion-health-summary-override.json")), Examples.newMessageId())
                .replace("\"url\": \"role\"", "\"url\": \"rank\"");
        assertRefused(as("health-norfolk").processMessage(Examples.bytes(body)), 422, "needs assertedBy, role and reason");
    }

    private void assertRefused(HttpResponse<String> response, int status, String diagnostics) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        JsonNode outcome = json(response.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").get(0).path("severity").asText()).isEqualTo("error");
        assertThat(outcome.path("issue").get(0).path("diagnostics").asText()).contains(diagnostics);
        assertNothingStored();
    }

    private void assertNothingStored() {
        assertThat(records()).isEqualTo(recordsBefore);
        assertThat(deliveries()).isEqualTo(deliveriesBefore);
    }
}
