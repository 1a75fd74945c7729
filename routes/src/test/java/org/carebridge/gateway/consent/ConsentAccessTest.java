package org.carebridge.gateway.consent;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.carebridge.gateway.consent.ConsentExamples.CARE_LEAVER_POLICE_CONTACT;
import static org.carebridge.gateway.consent.ConsentExamples.LIAISON_DIVERSION;
import static org.carebridge.gateway.consent.ConsentExamples.bytes;
import static org.carebridge.gateway.consent.ConsentExamples.forFreshSubject;
import static org.carebridge.gateway.consent.ConsentExamples.freshSubject;
import static org.carebridge.gateway.consent.ConsentExamples.searchPath;

/**
 * Partner × consent × operation on the real gateway. cs-suffolk records two consents about one child: one naming
 * health-suffolk as a recipient, one naming no partner. health-norfolk is a consent writer that neither recorded nor is
 * named by either. Each refusal adds exactly one REFUSED ledger entry for the partner, and none quotes the subject.
 */
class ConsentAccessTest extends GatewayTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final String RECORDER = "cs-suffolk";
    private static final String RECIPIENT = "health-suffolk";
    private static final String OTHER = "health-norfolk";

    @Autowired
    ConsentStore store;

    @Autowired
    ConsentReader reader;

    @Autowired
    AuditTrail audit;

    @Autowired
    SubjectKeys subjectKeys;

    @Autowired
    FhirContext fhir;

    @Autowired
    PartnerRegistry partners;

    @Test
    void eachPartnerReadsSearchesAndChangesOnlyTheConsentsItMay() throws Exception {
        SubjectIdentifier subject = freshSubject();
        Map<String, ObjectNode> consents = new LinkedHashMap<>();
        consents.put("named", record(naming(forFreshSubject(CARE_LEAVER_POLICE_CONTACT, subject), RECIPIENT)));
        consents.put("unnamed", record(forFreshSubject(LIAISON_DIVERSION, subject)));

        // partner -> consent -> expected status, for read, read of a version, update (not a withdrawal), withdrawal
        Map<String, Map<String, Integer>> reads = Map.of(
                RECORDER, Map.of("named", 200, "unnamed", 200),
                RECIPIENT, Map.of("named", 200, "unnamed", 404),
                OTHER, Map.of("named", 404, "unnamed", 404));
        Map<String, Map<String, Integer>> updates = Map.of(
                RECORDER, Map.of("named", 422, "unnamed", 422),
                RECIPIENT, Map.of("named", 403, "unnamed", 404),
                OTHER, Map.of("named", 404, "unnamed", 404));
        Map<String, Map<String, Integer>> withdrawals = Map.of(
                RECIPIENT, Map.of("named", 403, "unnamed", 404),
                OTHER, Map.of("named", 404, "unnamed", 404),
                RECORDER, Map.of("named", 200, "unnamed", 200));
        Map<String, Set<String>> searches = Map.of(
                RECORDER, Set.of("named", "unnamed"),
                RECIPIENT, Set.of("named"),
                OTHER, Set.of());

        List<String> cells = new ArrayList<>();
        for (String partner : List.of(RECORDER, RECIPIENT, OTHER)) {
            for (var consent : consents.entrySet()) {
                String id = consent.getValue().path("id").asText();
                int expected = reads.get(partner).get(consent.getKey());
                cells.add(partner + " read " + consent.getKey());
                check(partner, expected, () -> as(partner).get("/fhir/Consent/" + id), subject);
                cells.add(partner + " read version " + consent.getKey());
                check(partner, expected, () -> as(partner).get("/fhir/Consent/" + id + "/_history/1"), subject);

                ObjectNode update = consent.getValue().deepCopy();
                update.put("dateTime", "2026-01-01T09:00:00+00:00");
                cells.add(partner + " update " + consent.getKey());
                check(partner, updates.get(partner).get(consent.getKey()),
                        () -> ConsentUpdates.as(PKI, partner, baseUrl()).put("/fhir/Consent/" + id, update.toString()), subject);
            }
            long refusalsBefore = refusals(partner);
            HttpResponse<String> search = as(partner).get(searchPath(subject));
            assertThat(search.statusCode()).as(partner + " search").isEqualTo(200);
            Set<String> found = new TreeSet<>();
            json(search.body()).path("entry").forEach(e -> consents.forEach((name, c) -> {
                if (c.path("id").asText().equals(e.path("resource").path("id").asText())) {
                    found.add(name);
                }
            }));
            assertThat(found).as(partner + " search").isEqualTo(searches.get(partner));
            assertThat(json(search.body()).path("total").asInt()).isEqualTo(searches.get(partner).size());
            // a search that withheld something is one audited refusal
            assertThat(refusals(partner)).as(partner + " search").isEqualTo(refusalsBefore + (found.size() < consents.size() ? 1 : 0));
        }

        for (String partner : List.of(RECIPIENT, OTHER, RECORDER)) {
            if (partner.equals(RECORDER)) {
                // nothing the others tried changed either consent
                assertThat(store.forSubjects(List.of(subject))).hasSize(2).allSatisfy(r -> {
                    assertThat(r.state()).isEqualTo(ConsentState.GIVEN);
                    assertThat(r.version()).isEqualTo(1);
                });
            }
            for (var consent : consents.entrySet()) {
                ObjectNode withdrawal = consent.getValue().deepCopy();
                withdrawal.put("status", "inactive");
                String id = consent.getValue().path("id").asText();
                cells.add(partner + " withdraw " + consent.getKey());
                check(partner, withdrawals.get(partner).get(consent.getKey()),
                        () -> ConsentUpdates.as(PKI, partner, baseUrl()).put("/fhir/Consent/" + id, withdrawal.toString()), subject);
            }
        }
        assertThat(cells).hasSize(24);
        assertThat(store.forSubjects(List.of(subject))).hasSize(2).allSatisfy(r -> {
            assertThat(r.state()).isEqualTo(ConsentState.WITHDRAWN);
            assertThat(r.recordedBy()).isEqualTo(RECORDER);
        });
        assertThat(jdbc.queryForObject("""
                select count(*) from (select reason from audit_outbox where kind = 'REFUSED' union all
                                      select reason from audit_entry where kind = 'REFUSED') r where reason like ?""",
                Long.class, "%" + subject.value() + "%")).isZero();
    }

    @Test
    void aWithdrawalOnTheChildsBehalfByAnotherOrganisationNeedsTheSettingAndSaysWho() throws Exception {
        ObjectNode consent = record(naming(forFreshSubject(CARE_LEAVER_POLICE_CONTACT, freshSubject()), RECIPIENT));
        String id = consent.path("id").asText();
        ObjectNode withdrawal = consent.deepCopy();
        withdrawal.put("status", "inactive");

        // off by default: the recipient that heard the child cannot record the withdrawal
        HttpResponse<String> refused = ConsentUpdates.as(PKI, RECIPIENT, baseUrl()).put("/fhir/Consent/" + id, withdrawal.toString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused.body()).path("issue").get(0).path("diagnostics").asText())
                .contains("Only the organisation that recorded this consent (" + RECORDER + ")");

        ConsentRegistry allowing = new ConsentRegistry(reader, store, fhir, audit, subjectKeys, new ConsentAccess(audit, true));
        Consent proposed = fhir.newJsonParser().parseResource(Consent.class, withdrawal.toString());
        // still only an organisation that sees the consent
        assertThatThrownBy(() -> allowing.withdraw(id, proposed, 1, partners.byId(OTHER).orElseThrow()))
                .isInstanceOfSatisfying(ConsentRejected.class, e -> assertThat(e.status().value()).isEqualTo(404));

        StoredConsent withdrawn = allowing.withdraw(id, proposed, 1, partners.byId(RECIPIENT).orElseThrow());

        ConsentRecord record = withdrawn.record();
        assertThat(record.state()).isEqualTo(ConsentState.WITHDRAWN);
        assertThat(record.recordedBy()).isEqualTo(RECIPIENT);
        assertThat(withdrawn.recorder()).isEqualTo(RECORDER);
        assertThat(jdbc.queryForList("""
                select actor || ': ' || reason from audit_outbox where kind = 'CONSENT_CHANGED' and reason like ? union all
                select actor || ': ' || reason from audit_entry where kind = 'CONSENT_CHANGED' and reason like ?""", String.class,
                "Consent/" + id + "/_history/2%", "Consent/" + id + "/_history/2%"))
                .containsExactly(RECIPIENT + ": Consent/" + id + "/_history/2 withdrawn on the child's behalf by " + RECIPIENT
                        + ", recorded by " + RECORDER);
        // the consent still belongs to the organisation that recorded it
        assertThat(as(RECORDER).get("/fhir/Consent/" + id).statusCode()).isEqualTo(200);
        assertThat(as(OTHER).get("/fhir/Consent/" + id).statusCode()).isEqualTo(404);
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    private void check(String partner, int expected, Request request, SubjectIdentifier subject) throws Exception {
        long before = refusals(partner);
        HttpResponse<String> response = request.send();
        assertThat(response.statusCode()).as(partner + ": " + response.body()).isEqualTo(expected);
        boolean refused = expected == 403 || expected == 404;
        if (refused) {
            assertThat(json(response.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(response.body()).doesNotContain(subject.value());
        }
        assertThat(refusals(partner)).as("REFUSED entries for " + partner).isEqualTo(before + (refused ? 1 : 0));
    }

    private long refusals(String partner) {
        return jdbc.queryForObject("""
                select (select count(*) from audit_outbox where kind = 'REFUSED' and actor = ?)
                     + (select count(*) from audit_entry where kind = 'REFUSED' and actor = ?)""", Long.class, partner, partner);
    }

    private ObjectNode record(ObjectNode consent) throws Exception {
        HttpResponse<String> created = as(RECORDER).post("/fhir/Consent", FHIR_JSON, bytes(consent));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return (ObjectNode) json(created.body());
    }

    private static ObjectNode naming(ObjectNode consent, String partnerId) {
        JsonNode actor = consent.path("provision").path("actor").get(0);
        ((ObjectNode) actor.path("reference").path("identifier")).put("value", partnerId);
        ((ObjectNode) actor.path("reference")).remove("display");
        return consent;
    }
}
