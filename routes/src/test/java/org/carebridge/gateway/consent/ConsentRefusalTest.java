package org.carebridge.gateway.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carebridge.gateway.consent.ConsentExamples.CARE_LEAVER_POLICE_CONTACT;
import static org.carebridge.gateway.consent.ConsentExamples.LIAISON_DIVERSION;
import static org.carebridge.gateway.consent.ConsentExamples.bytes;
import static org.carebridge.gateway.consent.ConsentExamples.forFreshSubject;
import static org.carebridge.gateway.consent.ConsentExamples.freshSubject;

/** Every bad Consent gets a 4xx OperationOutcome saying what is wrong, and nothing is stored. */
class ConsentRefusalTest extends GatewayTest {

    private static final String FHIR_JSON = "application/fhir+json";

    @Autowired
    ConsentStore store;

    private long consentsBefore;
    private long historyBefore;

    @BeforeEach
    void countBefore() {
        consentsBefore = consents();
        historyBefore = history();
    }

    @Test
    void unknownIdentifierSystem() throws Exception {
        ObjectNode body = ConsentExamples.aboutSubject(careLeaver(),
                new SubjectIdentifier("https://example.org/some-other-register", "12345"));
        assertRefused(post(body), 422, "identifier system 'https://example.org/some-other-register' is not one the gateway knows");
    }

    @Test
    void nhsNumberWithABadCheckDigit() throws Exception {
        ObjectNode body = ConsentExamples.aboutSubject(careLeaver(), new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765918"));
        assertRefused(post(body), 422, "NHS number is not 10 digits with a valid check digit");
    }

    @Test
    void patientWithoutAnIdentifier() throws Exception {
        ObjectNode body = careLeaver();
        body.putObject("patient").put("reference", "Patient/123");
        assertRefused(post(body), 422, "Consent.patient.identifier is required");
    }

    @Test
    void periodThatEndsBeforeItStarts() throws Exception {
        ObjectNode body = careLeaver();
        ObjectNode period = (ObjectNode) body.path("provision").path("period");
        period.put("start", "2027-01-01");
        period.put("end", "2026-12-31");
        assertRefused(post(body), 422, "period ends before it starts");
    }

    @Test
    void periodWithATimeButNoTimeZone() throws Exception {
        ObjectNode body = liaison();
        ((ObjectNode) body.path("provision").path("period")).put("start", "2026-09-14T10:00:00");
        assertRefused(post(body), 422, "Consent.provision.period.start has a time but no time zone");
    }

    @Test
    void overSizeBody() throws Exception {
        ObjectNode body = liaison();
        ((ObjectNode) body.path("text")).put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + "x".repeat(300_000) + "</div>");
        assertRefused(post(body), 413, "larger than the limit");
    }

    @Test
    void actorThatIsNotARegisteredPartner() throws Exception {
        ObjectNode body = careLeaver();
        ((ObjectNode) actor(body).path("reference").path("identifier")).put("value", "cs-atlantis");
        assertRefused(post(body), 422, "'cs-atlantis' is not a registered partner");
    }

    @Test
    void actorWithAnUnknownAgencyKind() throws Exception {
        ObjectNode body = liaison();
        ((ObjectNode) actor(body).path("role").path("coding").get(0)).put("code", "astrologers");
        assertRefused(post(body), 422, "'astrologers' is not an agency kind");
    }

    @Test
    void actorThatNamesNoRecipient() throws Exception {
        ObjectNode body = liaison();
        ((ObjectNode) actor(body).path("role").path("coding").get(0)).put("system", "https://example.org/roles");
        assertRefused(post(body), 422, "names no recipient");
    }

    @Test
    void noActor() throws Exception {
        ObjectNode body = liaison();
        ((ObjectNode) body.path("provision")).remove("actor");
        assertRefused(post(body), 422, "Consent.provision.actor is required");
    }

    @Test
    void purposeFromAnUnknownCodeSystem() throws Exception {
        ObjectNode body = liaison();
        ((ObjectNode) body.path("provision").path("purpose").get(0)).put("system", "http://terminology.hl7.org/CodeSystem/v3-ActReason");
        assertRefused(post(body), 422, "Consent.provision.purpose[0].system must be");
    }

    @Test
    void dataRestrictionsTheRegistryCannotHonour() throws Exception {
        ObjectNode body = liaison();
        ((ObjectNode) body.path("provision")).putArray("class").addObject()
                .put("system", "http://hl7.org/fhir/resource-types").put("code", "Observation");
        assertRefused(post(body), 422, "are not supported");
    }

    @Test
    void denyProvision() throws Exception {
        ObjectNode body = liaison();
        ((ObjectNode) body.path("provision")).put("type", "deny");
        assertRefused(post(body), 422, "Consent.provision.type must be 'permit'");
    }

    @Test
    void noPerformer() throws Exception {
        ObjectNode body = liaison();
        body.remove("performer");
        assertRefused(post(body), 422, "Consent.performer is required");
    }

    @Test
    void noScope() throws Exception {
        ObjectNode body = liaison();
        body.remove("scope");
        assertRefused(post(body), 422, "Consent.scope is required");
    }

    @Test
    void statusOtherThanActiveOrRejected() throws Exception {
        ObjectNode body = liaison();
        body.put("status", "draft");
        assertRefused(post(body), 422, "Consent.status must be 'active'");
        body.put("status", "inactive");
        assertRefused(post(body), 422, "A new Consent cannot be 'inactive'");
    }

    @Test
    void notAConsent() throws Exception {
        assertRefused(as("cs-suffolk").post("/fhir/Consent", FHIR_JSON, Examples.bytes("{\"resourceType\": \"Patient\", \"id\": \"x\"}")),
                422, "must be a FHIR Consent");
        assertRefused(as("cs-suffolk").post("/fhir/Consent", FHIR_JSON, Examples.bytes("{\"resourceType\": \"Consent\", ")),
                400, "not valid JSON");
        assertRefused(as("cs-suffolk").post("/fhir/Consent", "text/plain", bytes(liaison())), 415, "Content-Type");
    }

    @Test
    void updateThatChangesMoreThanTheStatus() throws Exception {
        SubjectIdentifier subject = freshSubject();
        ObjectNode consent = (ObjectNode) json(post(ConsentExamples.aboutSubject(liaison(), subject)).body());
        String id = consent.path("id").asText();
        countBefore();

        consent.put("status", "inactive");
        ((ObjectNode) consent.path("provision").path("purpose").get(0)).put("code", "something-else");
        assertRefused(put(id, consent), 422, "[Consent.provision.purpose]");

        ObjectNode widened = (ObjectNode) json(as("cs-suffolk").get("/fhir/Consent/" + id).body());
        ((ObjectNode) widened.path("provision").path("period")).put("start", "2020-01-01");
        assertRefused(put(id, widened), 422, "[Consent.provision.period]");

        ObjectNode unchanged = (ObjectNode) json(as("cs-suffolk").get("/fhir/Consent/" + id).body());
        assertRefused(put(id, unchanged), 422, "Consent.status must become 'inactive'");

        ObjectNode endsTooEarly = (ObjectNode) json(as("cs-suffolk").get("/fhir/Consent/" + id).body());
        endsTooEarly.put("status", "inactive");
        ((ObjectNode) endsTooEarly.path("provision").path("period")).put("end", "2026-01-01");
        assertRefused(put(id, endsTooEarly), 422, "period ends before it starts");

        ObjectNode otherId = (ObjectNode) json(as("cs-suffolk").get("/fhir/Consent/" + id).body());
        otherId.put("status", "inactive");
        otherId.put("id", "00000000-0000-0000-0000-000000000000");
        assertRefused(put(id, otherId), 400, "Consent.id must be");

        ObjectNode staleVersion = (ObjectNode) json(as("cs-suffolk").get("/fhir/Consent/" + id).body());
        staleVersion.put("status", "inactive");
        assertRefused(ConsentUpdates.as(PKI, "cs-suffolk", baseUrl()).put("/fhir/Consent/" + id, staleVersion.toString(), "W/\"7\""),
                412, "the current version is 1");

        assertThat(store.forSubjects(List.of(subject))).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(ConsentState.GIVEN);
            assertThat(r.version()).isEqualTo(1);
        });
    }

    @Test
    void updateOfAnUnknownConsent() throws Exception {
        ObjectNode body = liaison();
        body.put("id", "00000000-0000-0000-0000-000000000000");
        body.put("status", "inactive");
        assertRefused(put("00000000-0000-0000-0000-000000000000", body), 404, "No consent has this id");
    }

    @Test
    void searchWithoutASubject() throws Exception {
        assertRefused(as("cs-suffolk").get("/fhir/Consent"), 400, "patient.identifier=system|value");
        assertRefused(as("cs-suffolk").get("/fhir/Consent?status=active"), 400, "Unsupported search parameter(s) [status]");
    }

    private ObjectNode careLeaver() throws Exception {
        return forFreshSubject(CARE_LEAVER_POLICE_CONTACT, freshSubject());
    }

    private ObjectNode liaison() throws Exception {
        return forFreshSubject(LIAISON_DIVERSION, freshSubject());
    }

    private static ObjectNode actor(ObjectNode consent) {
        return (ObjectNode) consent.path("provision").path("actor").get(0);
    }

    private HttpResponse<String> post(ObjectNode body) throws Exception {
        return as("cs-suffolk").post("/fhir/Consent", FHIR_JSON, bytes(body));
    }

    private HttpResponse<String> put(String id, ObjectNode body) throws Exception {
        return ConsentUpdates.as(PKI, "cs-suffolk", baseUrl()).put("/fhir/Consent/" + id, body.toString());
    }

    private void assertRefused(HttpResponse<String> response, int status, String diagnostics) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith(FHIR_JSON);
        JsonNode outcome = json(response.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").get(0).path("severity").asText()).isEqualTo("error");
        assertThat(outcome.path("issue").get(0).path("diagnostics").asText()).contains(diagnostics);
        assertThat(consents()).isEqualTo(consentsBefore);
        assertThat(history()).isEqualTo(historyBefore);
    }

    private long consents() {
        return jdbc.queryForObject("select count(*) from consent", Long.class);
    }

    private long history() {
        return jdbc.queryForObject("select count(*) from consent_history", Long.class);
    }
}
