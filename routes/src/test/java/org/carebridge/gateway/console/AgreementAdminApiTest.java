package org.carebridge.gateway.console;

import org.carebridge.gateway.agreement.AgreementDraftTexts;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The agreement lifecycle through the admin API, as a script would drive it. */
class AgreementAdminApiTest extends GatewayTest {

    @Test
    void aScriptDraftsAnAgreementAndOnlyAnotherPersonWithIgOfficerApprovesIt() throws Exception {
        ConsoleUsers.Api admin = ConsoleUsers.Api.as(DATA_DIR, "admin", PKI.caCertificate(), baseUrl());
        ConsoleUsers.Api officer = ConsoleUsers.Api.as(DATA_DIR, "ig-officer", PKI.caCertificate(), baseUrl());
        ConsoleUsers.Api operator = ConsoleUsers.Api.as(DATA_DIR, "operator", PKI.caCertificate(), baseUrl());
        String id = "api-" + UUID.randomUUID().toString().substring(0, 8);
        String yaml = AgreementDraftTexts.agreement(id, 1, LocalDate.now(ZoneId.of("Europe/London")).plusDays(30));

        var invalid = admin.post("/admin/api/agreements/drafts", JSON.writeValueAsString(java.util.Map.of("fileName", "bad.yaml",
                "document", AgreementDraftTexts.withUnknownEvent(id))));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid.body()).path("problems").get(0).asText()).startsWith("bad.yaml: line 20: ");

        assertThat(officer.post("/admin/api/agreements/drafts", JSON.writeValueAsString(java.util.Map.of("fileName", id + ".yaml",
                "document", yaml))).statusCode()).isEqualTo(403);
        var created = admin.post("/admin/api/agreements/drafts", JSON.writeValueAsString(java.util.Map.of("fileName", id + ".yaml",
                "document", yaml)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String draftId = json(created.body()).path("id").asText();
        assertThat(json(admin.get("/admin/api/agreements/drafts").body()).findValuesAsText("id")).contains(draftId);

        assertThat(admin.post("/admin/api/agreements/drafts/" + draftId + "/approve", "{}").statusCode()).isEqualTo(403);
        assertThat(operator.post("/admin/api/agreements/drafts/" + draftId + "/approve", "{}").statusCode()).isEqualTo(403);
        var approved = officer.post("/admin/api/agreements/drafts/" + draftId + "/approve", "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(json(approved.body()).path("approvedBy").asText()).isEqualTo("ig-officer");
        var listed = json(officer.get("/admin/api/agreements").body());
        boolean found = false;
        for (var a : listed) {
            if (a.path("id").asText().equals(id)) {
                found = true;
                assertThat(a.path("state").asText()).isEqualTo("not-yet-in-force");
            }
        }
        assertThat(found).isTrue();
    }

    @Test
    void aDraftIsWithdrawnByAnAdminOrRejectedWithAReasonByAnIgOfficerAndNeitherJoinsTheSet() throws Exception {
        ConsoleUsers.Api admin = ConsoleUsers.Api.as(DATA_DIR, "admin", PKI.caCertificate(), baseUrl());
        ConsoleUsers.Api officer = ConsoleUsers.Api.as(DATA_DIR, "ig-officer", PKI.caCertificate(), baseUrl());
        ConsoleUsers.Api auditor = ConsoleUsers.Api.as(DATA_DIR, "auditor", PKI.caCertificate(), baseUrl());
        String id = "closed-" + UUID.randomUUID().toString().substring(0, 8);
        String yaml = AgreementDraftTexts.agreement(id, 1, LocalDate.now(ZoneId.of("Europe/London")).plusDays(30));
        String body = JSON.writeValueAsString(java.util.Map.of("fileName", id + ".yaml", "document", yaml));

        String first = json(admin.post("/admin/api/agreements/drafts", body).body()).path("id").asText();
        assertThat(officer.post("/admin/api/agreements/drafts/" + first + "/withdraw", "{}").statusCode()).isEqualTo(403);
        assertThat(auditor.post("/admin/api/agreements/drafts/" + first + "/withdraw", "{}").statusCode()).isEqualTo(403);
        var withdrawn = admin.post("/admin/api/agreements/drafts/" + first + "/withdraw", "{}");
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
        assertThat(json(withdrawn.body()).path("state").asText()).isEqualTo("withdrawn");
        assertThat(json(withdrawn.body()).path("closedBy").asText()).isEqualTo("admin");
        assertThat(json(admin.get("/admin/api/agreements/drafts").body()).findValuesAsText("id")).doesNotContain(first);
        // closed for good: neither approved, edited nor withdrawn again
        var late = officer.post("/admin/api/agreements/drafts/" + first + "/approve", "{}");
        assertThat(late.statusCode()).isEqualTo(400);
        assertThat(json(late.body()).path("detail").asText()).isEqualTo("This draft was already withdrawn and can no longer change");
        assertThat(admin.post("/admin/api/agreements/drafts/" + first + "/withdraw", "{}").statusCode()).isEqualTo(400);

        // the version is free again for a new draft, which an ig-officer rejects
        var second = admin.post("/admin/api/agreements/drafts", body);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        String secondId = json(second.body()).path("id").asText();
        assertThat(admin.post("/admin/api/agreements/drafts/" + secondId + "/reject", "{\"reason\":\"mine\"}").statusCode()).isEqualTo(403);
        var noReason = officer.post("/admin/api/agreements/drafts/" + secondId + "/reject", "{\"reason\":\"  \"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(json(noReason.body()).path("field").asText()).isEqualTo("reason");
        assertThat(jdbc.queryForObject("select state from agreement_draft where draft_id = ?::uuid", String.class, secondId)).isEqualTo("DRAFT");
        String reason = "Rule for the health team asks for the whole record: name the profile " + id;
        var rejected = officer.post("/admin/api/agreements/drafts/" + secondId + "/reject", JSON.writeValueAsString(java.util.Map.of("reason", reason)));
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
        assertThat(json(rejected.body()).path("state").asText()).isEqualTo("rejected");
        assertThat(json(rejected.body()).path("rejectionReason").asText()).isEqualTo(reason);
        assertThat(officer.post("/admin/api/agreements/drafts/" + secondId + "/approve", "{}").statusCode()).isEqualTo(400);

        assertThat(json(officer.get("/admin/api/agreements").body()).findValuesAsText("id")).doesNotContain(id);
        var steps = jdbc.queryForList("""
                select actor || ' ' || outcome || ' ' || reason from (
                    select actor, outcome, reason, agreement_id, kind from audit_outbox
                    union all select actor, outcome, reason, agreement_id, kind from audit_entry) e
                where agreement_id = ? and kind = 'CONFIG_CHANGED' order by outcome, actor""", String.class, id);
        assertThat(steps).hasSize(4);
        assertThat(steps).anySatisfy(s -> assertThat(s).startsWith("admin agreement-draft-withdrawn draft=" + first + " before=draft after=withdrawn"));
        assertThat(steps).anySatisfy(s -> assertThat(s).startsWith("ig-officer agreement-draft-rejected draft=" + secondId + " before=draft after=rejected"));
        // the free-text reason stays with the draft, not in the ledger
        assertThat(steps).noneMatch(s -> s.contains("whole record"));
    }
}
