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
}
