package org.carebridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Test
    void anExtensionThatIsAnArrayOfArrays() throws Exception {
        String body = Examples.placementNotification(Examples.newMessageId())
                .replaceFirst("\"type\": \"message\"", "\"type\": \"message\", \"extension\": [[]]");
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes(body)), 422, "JSON shape FHIR does not allow");
    }

    @Test
    void overlongUtf8() throws Exception {
        // C0 AF is an overlong '/': a lenient decoder turns it into U+FFFD and delivers what was never checked
        assertRefused(as("cs-suffolk").processMessage(withBytesInName(0xC0, 0xAF)), 400, "not well-formed UTF-8");
    }

    @Test
    void anEncodedLoneSurrogate() throws Exception {
        assertRefused(as("cs-suffolk").processMessage(withBytesInName(0xED, 0xA0, 0x80)), 400, "not well-formed UTF-8");
    }

    @Test
    void aSecondMessageHeaderClaimingAnotherPartner() throws Exception {
        ObjectNode bundle = (ObjectNode) json(Examples.placementNotification(Examples.newMessageId()));
        ArrayNode entries = (ArrayNode) bundle.path("entry");
        ObjectNode second = entries.get(0).deepCopy();
        ((ObjectNode) second.path("resource").path("source")).put("endpoint", "urn:carebridge:partner:cs-norfolk");
        second.put("fullUrl", "urn:uuid:" + Examples.newMessageId());
        entries.add(second);
        assertRefused(as("cs-suffolk").processMessage(JSON.writeValueAsBytes(bundle)), 422, "exactly one MessageHeader");
    }

    @Test
    void aRepeatedJsonKey() throws Exception {
        String body = Examples.placementNotification(Examples.newMessageId())
                .replaceFirst("\"type\": \"message\"", "\"type\": \"message\", \"type\": \"message\"");
        assertRefused(as("cs-suffolk").processMessage(Examples.bytes(body)), 400, "repeats a JSON key");
    }

    @Test
    void moreEntriesThanTheLimit() throws Exception {
        ObjectNode bundle = (ObjectNode) json(Examples.placementNotification(Examples.newMessageId()));
        ArrayNode entries = (ArrayNode) bundle.path("entry");
        while (entries.size() <= 200) {
            entries.addObject();
        }
        assertRefused(as("cs-suffolk").processMessage(JSON.writeValueAsBytes(bundle)), 422, "more entries than the limit of 200");
    }

    @Test
    void aNarrativeThatIsNotWellFormedXhtml() throws Exception {
        ObjectNode bundle = (ObjectNode) json(Examples.placementNotification(Examples.newMessageId()));
        ObjectNode text = narrative(bundle);
        text.put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>unclosed</div>");
        assertRefused(as("cs-suffolk").processMessage(JSON.writeValueAsBytes(bundle)), 400, "not a valid FHIR R4 resource");
    }

    @Test
    void aNarrativeWithADoctypeDeclaringAnEntity() throws Exception {
        ObjectNode bundle = (ObjectNode) json(Examples.placementNotification(Examples.newMessageId()));
        narrative(bundle).put("div", "<!DOCTYPE div [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<div xmlns=\"http://www.w3.org/1999/xhtml\">&e;</div>");
        assertRefused(as("cs-suffolk").processMessage(JSON.writeValueAsBytes(bundle)), 400, "not a valid FHIR R4 resource");
    }

    /** The first entry resource's narrative ({@code text}) of the example. */
    private static ObjectNode narrative(ObjectNode bundle) {
        for (JsonNode entry : bundle.path("entry")) {
            if (entry.path("resource").path("text") instanceof ObjectNode text && text.has("div")) {
                return text;
            }
        }
        throw new AssertionError("the example has no narrative");
    }

    /** The example with the named bytes in place of the first characters of the placement's name. */
    private static byte[] withBytesInName(int... bytes) throws IOException {
        byte[] body = Examples.bytes(Examples.placementNotification(Examples.newMessageId())
                .replace("\"name\": \"Example children's home\"", "\"name\": \"Example QQQ children's home\""));
        int at = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("QQQ");
        assertThat(at).isPositive();
        for (int i = 0; i < 3; i++) {
            body[at + i] = i < bytes.length ? (byte) bytes[i] : (byte) 'Q';
        }
        return body;
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
