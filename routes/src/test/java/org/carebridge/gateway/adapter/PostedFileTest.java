package org.carebridge.gateway.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A virtual school posts a Common Transfer File, and a police force its event JSON, to {@code POST /inbound} on the
 * partner port as itself (its client certificate): every record takes the governed way and the answer lists each one;
 * a file refused whole is an OperationOutcome and stores nothing.
 */
class PostedFileTest extends GatewayTest {

    private static final String CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";

    @Test
    void aVirtualSchoolPostsACtfAndEachPupilIsAnsweredAndGoverned() throws Exception {
        String upn = freshUpn();
        String suspended = LocalDate.now(ZoneId.of("Europe/London")).minusDays(3).toString();
        byte[] ctf = ctf(pupil(upn, "Example", "935", "<Exclusion><StartDate>" + suspended + "</StartDate><EndDate>" + suspended
                        + "</EndDate><Category>FIXD</Category><Reason>PD</Reason></Exclusion>")
                + pupil("Z935400121001", "Mistyped", "935", "<Exclusion><StartDate>" + suspended + "</StartDate><Category>FIXD</Category></Exclusion>")
                + pupil(freshUpn(), "Elsewhere", "926", "<Exclusion><StartDate>" + suspended + "</StartDate><Category>FIXD</Category></Exclusion>"));

        HttpResponse<String> response = as("vs-suffolk").post("/inbound", "application/xml", ctf,
                Map.of("CamelBeanMethodName", "fileProcessed", "JMSDestination", "queue:elsewhere", "CamelHttpUri", "http://elsewhere"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode ack = json(response.body());
        assertThat(ack.path("summary").asText()).isEqualTo("1 accepted, 1 refused, 1 skipped");
        JsonNode accepted = ack.path("records").get(0);
        assertThat(accepted.path("outcome").asText()).isEqualTo("accepted");
        assertThat(accepted.path("event").asText()).isEqualTo("education-update");
        assertThat(ack.path("records").get(1).path("detail").asText()).isEqualTo("UPN's check letter does not match its digits");
        assertThat(ack.path("records").get(2).path("outcome").asText()).isEqualTo("skipped");
        assertThat(response.body()).doesNotContain(upn).doesNotContain("Mistyped").doesNotContain("Z935400121001");

        String messageId = accepted.path("messageId").asText();
        assertThat(decisions("vs-suffolk", messageId)).containsEntry("cs-suffolk", "PERMIT").containsEntry("yjs-suffolk", "PERMIT");
        String tracking = accepted.path("trackingId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where kind = 'RECEIVED' and tracking_id = ?", Long.class, tracking) == 1);
        assertThat(jdbc.queryForObject("select reason from audit_entry where kind = 'RECEIVED' and tracking_id = ?", String.class, tracking))
                .startsWith("education-update; ctf-xml file sha256:").contains("Exclusion line");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select count(*) from audit_entry where kind = 'FILE_RECEIVED'"
                + " and actor = 'vs-suffolk' and reason like 'sha256:%1 accepted, 1 refused, 1 skipped'", Long.class) == 1);

        HttpResponse<String> again = as("vs-suffolk").post("/inbound", "application/xml", ctf);
        assertThat(json(again.body()).path("summary").asText()).isEqualTo("1 duplicate, 1 refused, 1 skipped");
        assertThat(jdbc.queryForObject("select count(*) from intake_record where sender = 'vs-suffolk' and message_id = ?", Long.class, messageId))
                .isEqualTo(1);
    }

    @Test
    void aCtfRefusedWholeIsAnOperationOutcomeAndStoresNothing() throws Exception {
        long before = records();
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE CTfile [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<CTfile><Header/></CTfile>";

        HttpResponse<String> response = as("vs-suffolk").post("/inbound", "application/xml", xml.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(json(response.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(response.body()).contains("nothing in it was stored").contains("DOCTYPE").doesNotContain("root:");
        assertThat(records()).isEqualTo(before);
    }

    @Test
    void aPoliceForcePostsItsEventJsonCheckedAgainstTheSchema() throws Exception {
        String eventId = "NC-" + UUID.randomUUID().toString().substring(0, 8);
        String start = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        String event = """
                {"format": "carebridge-police-event", "version": 1, "eventId": "%s",
                 "event": {"type": "custody-detention", "start": "%s", "reason": "Arrested on suspicion of criminal damage",
                           "where": "Norwich Police Investigation Centre", "officerAccount": "Never shared."},
                 "persons": [{"role": "subject", "nhsNumber": "%s", "family": "Example", "given": ["Test"],
                              "birthDate": "2012-03-14", "sex": "female", "responsibleAuthority": "E10000029"}],
                 "objects": [], "locations": [{"role": "placement", "childrensHomeUrn": "SC480321"}]}
                """.formatted(eventId, start, Examples.freshNhsNumber());

        HttpResponse<String> response = as("police-norfolk").post("/inbound", "application/json", event.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode line = json(response.body()).path("records").get(0);
        assertThat(line.path("outcome").asText()).isEqualTo("accepted");
        assertThat(line.path("event").asText()).isEqualTo("custody-notification");
        assertThat(decisions("police-norfolk", line.path("messageId").asText())).containsEntry("mash-norfolk", "PERMIT")
                .containsEntry("health-norfolk", "PERMIT").containsEntry("cs-suffolk", "PERMIT");

        long before = records();
        HttpResponse<String> bad = as("police-norfolk").post("/inbound", "application/json",
                event.replace("\"start\": \"" + start + "\", ", "").getBytes(StandardCharsets.UTF_8));
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("/event: a required property is missing (start)").doesNotContain("Example");
        assertThat(records()).isEqualTo(before);
    }

    @Test
    void onlyAPartnerRegisteredToPostItsFormatMayAndOnlyInThatFormsMediaType() throws Exception {
        HttpResponse<String> fhirPartner = as("cs-norfolk").post("/inbound", "application/xml", "<CTfile/>".getBytes(StandardCharsets.UTF_8));
        assertThat(fhirPartner.statusCode()).isEqualTo(403);
        assertThat(fhirPartner.body()).contains("not registered to post its own format");
        HttpResponse<String> wrongType = as("vs-suffolk").post("/inbound", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(wrongType.statusCode()).isEqualTo(415);
    }

    private Map<String, String> decisions(String sender, String messageId) {
        Map<String, String> decisions = new HashMap<>();
        jdbc.query("select d.recipient, d.outcome from decision d join intake_record r on r.tracking_id = d.tracking_id "
                + "where r.sender = ? and r.message_id = ?", rs -> {
            decisions.put(rs.getString(1), rs.getString(2));
        }, sender, messageId);
        return decisions;
    }

    private static byte[] ctf(String pupils) {
        return ("\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<CTfile>\r\n<Header><CTFversion>25.0</CTFversion>"
                + "<SourceSchool><LEA>935</LEA><Estab>4001</Estab><URN>124789</URN><SchoolName>Example High School</SchoolName>"
                + "</SourceSchool></Header>\r\n<CTFpupilData>\r\n" + pupils + "</CTFpupilData>\r\n</CTfile>\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String pupil(String upn, String surname, String careAuthority, String exclusions) {
        return "<Pupil><UPN>" + upn + "</UPN><Surname>" + surname + "</Surname><Forename>Test</Forename><DOB>2012-03-14</DOB>"
                + "<Sex>F</Sex><LookedAfter><InCare>true</InCare><CareAuthority>" + careAuthority + "</CareAuthority></LookedAfter>"
                + "<Exclusions>" + exclusions + "</Exclusions></Pupil>\r\n";
    }

    /** A UPN nobody else's test uses, with its check letter (DfE UPN guidance). */
    private static String freshUpn() {
        StringBuilder digits = new StringBuilder("9354001");
        for (int i = 0; i < 5; i++) {
            digits.append(ThreadLocalRandom.current().nextInt(10));
        }
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (digits.charAt(i) - '0') * (i + 2);
        }
        return CHECK_LETTERS.charAt(sum % 23) + digits.toString();
    }
}
