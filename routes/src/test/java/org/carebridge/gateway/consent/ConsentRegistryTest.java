package org.carebridge.gateway.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.AgencyKind;
import org.hl7.fhir.r4.model.DateTimeType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carebridge.gateway.consent.ConsentExamples.CARE_LEAVER_POLICE_CONTACT;
import static org.carebridge.gateway.consent.ConsentExamples.LIAISON_DIVERSION;
import static org.carebridge.gateway.consent.ConsentExamples.bytes;
import static org.carebridge.gateway.consent.ConsentExamples.forFreshSubject;
import static org.carebridge.gateway.consent.ConsentExamples.freshSubject;
import static org.carebridge.gateway.consent.ConsentExamples.searchPath;

/** Recording, reading, searching and withdrawing consent, and who may do so. */
class ConsentRegistryTest extends GatewayTest {

    private static final String FHIR_JSON = "application/fhir+json";

    @Autowired
    ConsentStore store;

    @Autowired
    ConsentReader reader;

    @Test
    void theExamplesReadAsTheTermsTheyDescribe() throws Exception {
        ConsentTerms careLeaver = reader.terms(reader.parse(FHIR_JSON, Examples.bytes(ConsentExamples.text(CARE_LEAVER_POLICE_CONTACT))));
        assertThat(careLeaver.subject()).isEqualTo(new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765919"));
        assertThat(careLeaver.state()).isEqualTo(ConsentState.GIVEN);
        assertThat(careLeaver.partnerIds()).containsExactly("cs-suffolk");
        assertThat(careLeaver.agencyKinds()).isEmpty();
        assertThat(careLeaver.purposes()).containsExactly("care-leaver-support");
        assertThat(careLeaver.periodStart()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
        // The end date is included: the consent runs to the end of that day in England (GMT in March).
        assertThat(careLeaver.periodEnd()).isEqualTo(Instant.parse("2031-03-02T00:00:00Z"));

        ConsentTerms liaison = reader.terms(reader.parse(FHIR_JSON, Examples.bytes(ConsentExamples.text(LIAISON_DIVERSION))));
        assertThat(liaison.subject()).isEqualTo(
                new SubjectIdentifier("https://carebridge.example.org/fhir/NamingSystem/la-child-id/E10000029", "SCC-000123"));
        assertThat(liaison.partnerIds()).isEmpty();
        assertThat(liaison.agencyKinds()).containsExactly(AgencyKind.YOUTH_JUSTICE);
        assertThat(liaison.purposes()).containsExactly("liaison-and-diversion");
        // A date is a day in England: 14 September begins at 23:00 UTC the day before (BST).
        assertThat(liaison.periodStart()).isEqualTo(Instant.parse("2026-09-13T23:00:00Z"));
        assertThat(liaison.periodEnd()).isNull();
    }

    @Test
    void recordReadAndSearch() throws Exception {
        SubjectIdentifier subject = freshSubject();

        HttpResponse<String> created = as("cs-suffolk").post("/fhir/Consent", FHIR_JSON,
                bytes(forFreshSubject(CARE_LEAVER_POLICE_CONTACT, subject)));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type").orElse("")).startsWith(FHIR_JSON);
        JsonNode consent = json(created.body());
        String id = consent.path("id").asText();
        assertThat(id).isNotBlank();
        assertThat(created.headers().firstValue("Location")).hasValue(baseUrl() + "/fhir/Consent/" + id + "/_history/1");
        assertThat(created.headers().firstValue("ETag")).hasValue("W/\"1\"");
        assertThat(consent.path("resourceType").asText()).isEqualTo("Consent");
        assertThat(consent.path("meta").path("versionId").asText()).isEqualTo("1");
        assertThat(consent.path("status").asText()).isEqualTo("active");
        assertThat(consent.path("patient").path("identifier").path("value").asText()).isEqualTo(subject.value());

        HttpResponse<String> read = as("cs-suffolk").get("/fhir/Consent/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read.body())).isEqualTo(consent);
        assertThat(as("cs-suffolk").get("/fhir/Consent/" + id + "/_history/1").body()).isEqualTo(created.body());

        HttpResponse<String> search = as("cs-suffolk").get(searchPath(subject));
        assertThat(search.statusCode()).isEqualTo(200);
        JsonNode bundle = json(search.body());
        assertThat(bundle.path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(bundle.path("type").asText()).isEqualTo("searchset");
        assertThat(bundle.path("total").asInt()).isEqualTo(1);
        assertThat(bundle.path("entry").get(0).path("fullUrl").asText()).isEqualTo(baseUrl() + "/fhir/Consent/" + id);
        assertThat(bundle.path("entry").get(0).path("resource")).isEqualTo(consent);

        assertThat(json(as("cs-norfolk").get(searchPath(freshSubject())).body()).path("total").asInt()).isZero();

        List<ConsentRecord> records = store.forSubjects(List.of(subject, freshSubject()));
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(id);
            assertThat(r.version()).isEqualTo(1);
            assertThat(r.state()).isEqualTo(ConsentState.GIVEN);
            assertThat(r.partnerIds()).containsExactly("cs-suffolk");
            assertThat(r.purposes()).containsExactly("care-leaver-support");
            assertThat(r.recordedBy()).isEqualTo("cs-suffolk");
            assertThat(r.reference()).isEqualTo("Consent/" + id + "/_history/1");
        });
    }

    @Test
    void theTimeConsentWasGivenDefaultsToNow() throws Exception {
        ObjectNode body = forFreshSubject(LIAISON_DIVERSION, freshSubject());
        body.remove("dateTime");
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> created = as("cs-suffolk").post("/fhir/Consent", FHIR_JSON, bytes(body));

        assertThat(created.statusCode()).isEqualTo(201);
        Instant given = new DateTimeType(json(created.body()).path("dateTime").asText()).getValue().toInstant();
        assertThat(given).isBetween(before, Instant.now().plusSeconds(1));
    }

    @Test
    void withdrawalGovernsTheNextLookup() throws Exception {
        SubjectIdentifier subject = freshSubject();
        ObjectNode consent = (ObjectNode) json(as("cs-suffolk").post("/fhir/Consent", FHIR_JSON,
                bytes(forFreshSubject(LIAISON_DIVERSION, subject))).body());
        String id = consent.path("id").asText();
        assertThat(store.forSubjects(List.of(subject))).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(ConsentState.GIVEN));

        consent.put("status", "inactive");
        ((ObjectNode) consent.path("provision").path("period")).put("end", "2026-12-01T12:00:00Z");
        HttpResponse<String> withdrawn = ConsentUpdates.as(PKI, "cs-suffolk", baseUrl())
                .put("/fhir/Consent/" + id, consent.toString(), "W/\"1\"");

        assertThat(withdrawn.statusCode()).isEqualTo(200);
        assertThat(withdrawn.headers().firstValue("Location")).hasValue(baseUrl() + "/fhir/Consent/" + id + "/_history/2");
        JsonNode version2 = json(withdrawn.body());
        assertThat(version2.path("status").asText()).isEqualTo("inactive");
        assertThat(version2.path("meta").path("versionId").asText()).isEqualTo("2");

        assertThat(store.forSubjects(List.of(subject))).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(ConsentState.WITHDRAWN);
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.recordedBy()).isEqualTo("cs-suffolk");
            // The withdrawal keeps the period the consent covered (open-ended here), whatever end the resource now records.
            assertThat(r.periodEnd()).isNull();
            assertThat(r.agencyKinds()).containsExactly(AgencyKind.YOUTH_JUSTICE);
        });
        assertThat(json(as("cs-suffolk").get("/fhir/Consent/" + id).body()).path("status").asText()).isEqualTo("inactive");
        assertThat(json(as("cs-suffolk").get("/fhir/Consent/" + id + "/_history/1").body()).path("status").asText()).isEqualTo("active");
        assertThat(jdbc.queryForObject("select count(*) from consent_history where id = ?::uuid", Long.class, id)).isEqualTo(2);

        // The same withdrawal sent again (a lost answer) changes nothing.
        HttpResponse<String> again = ConsentUpdates.as(PKI, "cs-suffolk", baseUrl()).put("/fhir/Consent/" + id, consent.toString());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again.body()).path("meta").path("versionId").asText()).isEqualTo("2");
        assertThat(jdbc.queryForObject("select count(*) from consent_history where id = ?::uuid", Long.class, id)).isEqualTo(2);
    }

    @Test
    void aRefusalIsRecordedAsRefused() throws Exception {
        SubjectIdentifier subject = freshSubject();
        ObjectNode body = forFreshSubject(CARE_LEAVER_POLICE_CONTACT, subject);
        body.put("status", "rejected");

        assertThat(as("cs-suffolk").post("/fhir/Consent", FHIR_JSON, bytes(body)).statusCode()).isEqualTo(201);

        assertThat(store.forSubjects(List.of(subject))).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(ConsentState.REFUSED));
    }

    @Test
    void onlyConsentWritersMayRecordReadOrWithdraw() throws Exception {
        long before = consents();
        HttpResponse<String> post = as("police-norfolk").post("/fhir/Consent", FHIR_JSON,
                bytes(forFreshSubject(CARE_LEAVER_POLICE_CONTACT, freshSubject())));
        assertForbidden(post);
        assertThat(consents()).isEqualTo(before);

        SubjectIdentifier subject = freshSubject();
        ObjectNode consent = (ObjectNode) json(as("cs-suffolk").post("/fhir/Consent", FHIR_JSON,
                bytes(forFreshSubject(LIAISON_DIVERSION, subject))).body());
        String id = consent.path("id").asText();
        assertForbidden(as("vs-norfolk").get("/fhir/Consent/" + id));
        assertForbidden(as("yjs-norfolk").get(searchPath(subject)));
        consent.put("status", "inactive");
        assertForbidden(ConsentUpdates.as(PKI, "police-norfolk", baseUrl()).put("/fhir/Consent/" + id, consent.toString()));
        assertThat(store.forSubjects(List.of(subject))).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(ConsentState.GIVEN));
    }

    @Test
    void noClientCertificate() throws Exception {
        long before = consents();
        HttpResponse<String> response = PartnerClient.anonymous(PKI.caCertificate(), baseUrl())
                .post("/fhir/Consent", FHIR_JSON, bytes(forFreshSubject(LIAISON_DIVERSION, freshSubject())));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(consents()).isEqualTo(before);
    }

    @Test
    void unknownConsentAndDeletion() throws Exception {
        HttpResponse<String> unknown = as("cs-suffolk").get("/fhir/Consent/00000000-0000-0000-0000-000000000000");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(as("cs-suffolk").get("/fhir/Consent/not-a-consent-id").statusCode()).isEqualTo(404);

        HttpResponse<String> delete = ConsentUpdates.as(PKI, "cs-suffolk", baseUrl()).delete("/fhir/Consent/00000000-0000-0000-0000-000000000000");
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(json(delete.body()).path("issue").get(0).path("diagnostics").asText()).contains("never deleted");
    }

    private void assertForbidden(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode outcome = json(response.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").get(0).path("diagnostics").asText()).contains("consent-writer");
    }

    private long consents() {
        return jdbc.queryForObject("select count(*) from consent", Long.class);
    }
}
