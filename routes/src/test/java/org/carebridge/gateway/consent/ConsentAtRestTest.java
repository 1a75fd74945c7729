package org.carebridge.gateway.consent;

import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.storage.PayloadUnreadable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.carebridge.gateway.consent.ConsentExamples.CARE_LEAVER_POLICE_CONTACT;
import static org.carebridge.gateway.consent.ConsentExamples.bytes;
import static org.carebridge.gateway.consent.ConsentExamples.forFreshSubject;
import static org.carebridge.gateway.consent.ConsentExamples.freshSubject;

/** Consents hold personal data too: at rest the subject's identifier and the resource are sealed. */
class ConsentAtRestTest extends GatewayTest {

    @Autowired
    ConsentStore store;

    @Autowired
    SubjectKeys subjectKeys;

    @Test
    void theSubjectAndTheResourceAreSealedAndStillFoundByIdentifier() throws Exception {
        SubjectIdentifier subject = freshSubject();
        HttpResponse<String> created = as("cs-suffolk").post("/fhir/Consent", "application/fhir+json",
                bytes(forFreshSubject(CARE_LEAVER_POLICE_CONTACT, subject)));
        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created.body()).path("id").asText();

        for (String table : List.of("consent", "consent_history")) {
            Map<String, Object> row = jdbc.queryForMap("select subject_value, resource, sealed_subject, sealed_resource from "
                    + table + " where id = ?", UUID.fromString(id));
            assertThat(row.get("subject_value")).as(table).isEqualTo(subjectKeys.keyOf(subject)).isNotEqualTo(subject.value());
            assertThat(row.get("resource")).as(table).isNull();
            assertThat(new String((byte[]) row.get("sealed_subject"), StandardCharsets.ISO_8859_1)).doesNotContain(subject.value());
            assertThat(new String((byte[]) row.get("sealed_resource"), StandardCharsets.ISO_8859_1))
                    .doesNotContain(subject.value()).doesNotContain("care-leaver-support");
        }
        assertThat(jdbc.queryForObject("select count(*) from consent_key where consent_id = ?", Long.class, UUID.fromString(id))).isEqualTo(1);

        assertThat(store.read(id)).hasValueSatisfying(stored -> {
            assertThat(stored.resource()).isEqualTo(created.body());
            assertThat(stored.record().subject()).isEqualTo(subject);
        });
        assertThat(store.search(subject)).singleElement().satisfies(stored -> assertThat(stored.record().id()).isEqualTo(id));
        assertThat(store.forSubjects(List.of(subject))).singleElement().satisfies(r -> assertThat(r.subject()).isEqualTo(subject));

        // The sealed resource of one consent does not open in another's row.
        SubjectIdentifier other = freshSubject();
        String otherId = json(as("cs-suffolk").post("/fhir/Consent", "application/fhir+json",
                bytes(forFreshSubject(CARE_LEAVER_POLICE_CONTACT, other))).body()).path("id").asText();
        jdbc.update("update consent set sealed_resource = (select sealed_resource from consent where id = ?) where id = ?",
                UUID.fromString(id), UUID.fromString(otherId));
        assertThatThrownBy(() -> store.read(otherId)).isInstanceOf(PayloadUnreadable.class);
    }
}
