package org.carebridge.gateway.ig;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.report.MonitoringMessages;
import org.carebridge.gateway.report.MonitoringMessages.Child;
import org.carebridge.gateway.report.MonthlyMeasureReport;
import org.carebridge.gateway.report.MonthlyReportSchedule;
import org.carebridge.gateway.report.MonthlyReportSubmission;
import org.carebridge.gateway.support.GatewayTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.hl7.fhir.r4.model.MeasureReport.StratifierGroupComponent;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monthly monitoring report end to end: a month of custody notifications, missing episodes and diversion panel
 * outcomes posted through the gateway by the partners that send them, and the report, as a FHIR MeasureReport, CSV and
 * chart, matching counts worked out by hand, with every count under 5 and its complements suppressed. Then the
 * monthly send: a record from the gateway itself, decided under its agreement and delivered to the three partners.
 *
 * <p>The month is February 2024, which no other test uses. Hand-worked tables (contacts: custody, missing | total):
 * <pre>
 * area         E10000020   6  7 | 13      suppressed: 2 is primary; the cheapest cycle through it
 *              E10000029   2  5 |  7      takes 5, 7 and 6 (18), so all four inner counts go.
 *              total       8 12 | 20
 *
 * ethnic group white       3  6 |  9      3 and 1 and mixed's total 1 are primary. Through white: 6 (white missing),
 *              mixed       0  1 |  1      5 and 5 (black) close the cycle for 3. Mixed's 1 closes through its zero
 *              black       5  5 | 10      custody count and white's cells; mixed's total can only close through
 *              total       8 12 | 20      another total: white's 9 is the cheapest.
 *
 * outcomes by area: charge, caution, community resolution, 20, 21, 22, no further action | total
 *              E10000020   0 0 3 0 0 4 5 | 12    primaries 3, 4, 1, 2, 3 (Suffolk's total) and the charge (1) and
 *              E10000029   1 0 0 0 0 2 0 |  3    community resolution (3) totals already form a cycle, except
 *              total       1 0 3 0 0 6 5 | 15    Suffolk's total, which can only close through Norfolk's (12).
 *
 * sex          female      4  6 | 10      both 4s are primary; the cheapest cycle takes the two 6s (12), not the
 *              male        4  6 | 10      zeros of 'other' and 'unknown' (1,000 each).
 * </pre>
 * Age band (all 14-15; one born the day after her detention's date, sixteen years before) and placing authority (all
 * Suffolk) have nothing under 5, and no table of a family suppresses a total the others share.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonthlyMonitoringReportTest extends GatewayTest {

    static final YearMonth MONTH = YearMonth.of(2024, 2);
    static final String N = MonitoringMessages.NORFOLK;
    static final String S = MonitoringMessages.SUFFOLK;
    static final String[] RECIPIENTS = {"norfolk-police-district-leads", "norfolk-corporate-parenting-board", "ofsted"};

    @Autowired
    MonthlyReportSchedule schedule;

    @Autowired
    Environment environment;

    private IgClient officer;
    private IgClient auditor;

    @BeforeAll
    void seedFebruary() throws Exception {
        users();
        // Custody notifications: Norfolk homes 6, Suffolk homes 2.
        custody(N, "female", "A", "2024-02-03T21:00:00Z");
        custody(N, "female", "B", "2024-02-04T21:00:00Z");
        custody(N, "male", "A", "2024-02-05T21:00:00Z");
        post("police-norfolk", MonitoringMessages.contact("custody-notification", "police-norfolk",
                new Child("female", "2008-02-16", "N", S, N, "NCH-0001"), "2024-02-15T22:10:00Z"));
        custody(N, "male", "N", "2024-02-07T21:00:00Z");
        Bundle twice = custodyBundle(N, "male", "M", "2024-02-08T21:00:00Z");
        post("police-norfolk", twice);
        post("police-norfolk", twice); // the same message id: stored and counted once
        custody(S, "female", "N", "2024-02-09T21:00:00Z");
        custody(S, "male", "N", "2024-02-10T21:00:00Z");
        // Missing episodes: Norfolk homes 7 (reported by Norfolk), Suffolk homes 5 (reported by Suffolk).
        missing("cs-norfolk", N, "female", "A", "2024-02-11T20:00:00Z");
        missing("cs-norfolk", N, "female", "C", "2024-02-12T20:00:00Z");
        missing("cs-norfolk", N, "male", "A", "2024-02-13T20:00:00Z");
        missing("cs-norfolk", N, "male", "A", "2024-02-14T20:00:00Z");
        missing("cs-norfolk", N, "female", "P", "2024-02-15T20:00:00Z");
        missing("cs-norfolk", N, "male", "N", "2024-02-16T20:00:00Z");
        missing("cs-norfolk", N, "female", "D", "2024-02-17T20:00:00Z");
        missing("cs-suffolk", S, "female", "A", "2024-02-18T20:00:00Z");
        missing("cs-suffolk", S, "male", "A", "2024-03-01T00:30:00+01:00"); // 23:30 on 29 February in London
        missing("cs-suffolk", S, "female", "N", "2024-02-19T20:00:00Z");
        missing("cs-suffolk", S, "male", "N", "2024-02-20T20:00:00Z");
        missing("cs-suffolk", S, "male", "N", "2024-02-21T20:00:00Z");
        // Not February: January's last hour in London, and March.
        custody(N, "male", "A", "2024-01-31T23:30:00Z");
        custody(N, "male", "A", "2024-03-10T21:00:00Z");
        // Diversion panel outcomes, from the youth justice service: Norfolk homes 12, Suffolk homes 3.
        outcomes(N, "community-resolution");
        outcomes(N, "community-resolution");
        outcomes(N, "community-resolution");
        outcomes(N, "outcome-22", "no-further-action");
        outcomes(N, "outcome-22", "no-further-action");
        outcomes(N, "outcome-22");
        outcomes(N, "outcome-22");
        outcomes(N, "no-further-action");
        outcomes(N, "no-further-action");
        outcomes(N, "no-further-action");
        outcomes(S, "charge", "outcome-22");
        outcomes(S, "outcome-22");
    }

    @Test
    void theMeasureReportMatchesTheHandWorkedCountsWithSmallCountsSuppressed() throws Exception {
        HttpResponse<String> response = auditor.get("/ig/reports/monthly?month=2024-02&format=fhir");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+json");
        MeasureReport report = MonitoringMessages.FHIR.newJsonParser().parseResource(MeasureReport.class, response.body());

        assertThat(report.getStatus()).isEqualTo(MeasureReport.MeasureReportStatus.COMPLETE);
        assertThat(report.getType()).isEqualTo(MeasureReport.MeasureReportType.SUMMARY);
        assertThat(report.getMeasure()).isEqualTo(MonthlyMeasureReport.MEASURE);
        assertThat(report.getPeriod().getStartElement().getValueAsString()).isEqualTo("2024-02-01");
        assertThat(report.getPeriod().getEndElement().getValueAsString()).isEqualTo("2024-02-29");
        assertThat(((IntegerType) report.getExtensionByUrl(MonthlyMeasureReport.THRESHOLD_EXTENSION).getValue()).getValue()).isEqualTo(5);

        // Police contacts.
        assertThat(total(report, "custody-notification")).isEqualTo(8);
        assertThat(total(report, "missing-episode")).isEqualTo(12);
        assertThat(total(report, "police-contacts")).isEqualTo(20);
        assertThat(strata(report, "police-contacts", "area")).containsExactly("E10000020=13", "E10000029=7");
        assertThat(strata(report, "custody-notification", "area")).containsExactly("E10000020=masked", "E10000029=masked");
        assertThat(strata(report, "missing-episode", "area")).containsExactly("E10000020=masked", "E10000029=masked");
        assertThat(strata(report, "police-contacts", "childrens-home")).containsExactly("NCH-0001=13", "SCH-0002=7");
        assertThat(strata(report, "police-contacts", "placing-authority")).containsExactly("E10000029=20");
        assertThat(strata(report, "police-contacts", "ethnic-group"))
                .containsExactly("white=masked", "mixed=masked", "asian=0", "black=10", "other=0", "not-stated=0");
        assertThat(strata(report, "custody-notification", "ethnic-group"))
                .containsExactly("white=masked", "mixed=masked", "asian=0", "black=masked", "other=0", "not-stated=0");
        assertThat(strata(report, "missing-episode", "ethnic-group"))
                .containsExactly("white=masked", "mixed=masked", "asian=0", "black=masked", "other=0", "not-stated=0");
        assertThat(strata(report, "custody-notification", "sex")).containsExactly("female=masked", "male=masked", "other=0", "unknown=0");
        assertThat(strata(report, "missing-episode", "sex")).containsExactly("female=masked", "male=masked", "other=0", "unknown=0");
        assertThat(strata(report, "police-contacts", "sex")).containsExactly("female=10", "male=10", "other=0", "unknown=0");
        assertThat(strata(report, "police-contacts", "age-band"))
                .containsExactly("under-10=0", "10-13=0", "14-15=20", "16-17=0", "18-25=0", "unknown=0");

        // Police outcomes.
        assertThat(total(report, "charge")).isNull();
        assertThat(total(report, "caution")).isEqualTo(0);
        assertThat(total(report, "community-resolution")).isNull();
        assertThat(total(report, "outcome-22")).isEqualTo(6);
        assertThat(total(report, "no-further-action")).isEqualTo(5);
        assertThat(total(report, "police-outcomes")).isEqualTo(15);
        assertThat(strata(report, "no-further-action", "area")).containsExactly("E10000020=5", "E10000029=0");
        assertThat(strata(report, "outcome-22", "area")).containsExactly("E10000020=masked", "E10000029=masked");
        assertThat(strata(report, "charge", "area")).containsExactly("E10000020=0", "E10000029=masked");
        assertThat(strata(report, "police-outcomes", "area")).containsExactly("E10000020=masked", "E10000029=masked");
        assertThat(strata(report, "outcome-22", "ethnic-group"))
                .containsExactly("white=6", "mixed=0", "asian=0", "black=0", "other=0", "not-stated=0");
        assertThat(strata(report, "charge", "ethnic-group"))
                .containsExactly("white=masked", "mixed=0", "asian=0", "black=0", "other=0", "not-stated=0");

        // Whatever the table: nothing from 1 to 4 is ever published.
        for (MeasureReportGroupComponent group : report.getGroup()) {
            assertThat(published(group.getPopulationFirstRep().getCountElement())).as(group.getCode().getCodingFirstRep().getCode()).isTrue();
            group.getStratifier().forEach(s -> s.getStratum().forEach(st ->
                    assertThat(published(st.getPopulationFirstRep().getCountElement())).isTrue()));
        }
    }

    @Test
    void theCsvCarriesTheSameCountsAndSaysOnlySuppressed() throws Exception {
        HttpResponse<String> response = auditor.get("/ig/reports/monthly?month=2024-02&format=csv");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        List<String> lines = Arrays.asList(response.body().split("\r\n"));
        assertThat(lines.get(0)).isEqualTo("month,breakdown,stratum,measure,count,status");
        assertThat(lines).contains(
                "2024-02,all,all,police-contacts,20,published",
                "2024-02,all,all,charge,,suppressed",
                "2024-02,all,all,police-outcomes,15,published",
                "2024-02,area,E10000020,police-contacts,13,published",
                "2024-02,area,E10000020,custody-notification,,suppressed",
                "2024-02,area,E10000029,police-contacts,7,published",
                "2024-02,ethnic-group,black,police-contacts,10,published",
                "2024-02,ethnic-group,white,police-contacts,,suppressed",
                "2024-02,sex,female,custody-notification,,suppressed",
                "2024-02,sex,female,police-contacts,10,published");
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertThat(cells).hasSize(6);
            if (cells[5].equals("published")) {
                long count = Long.parseLong(cells[4]);
                assertThat(count == 0 || count >= 5).as(line).isTrue();
            } else {
                assertThat(cells[5]).isEqualTo("suppressed");
                assertThat(cells[4]).isEmpty();
            }
        }
    }

    @Test
    void theChartShowsEachAreasTrendInlineWithNothingFetched() throws Exception {
        HttpResponse<String> response = auditor.get("/ig/reports/monthly/chart?to=2024-03&months=3");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("default-src 'none'");
        String page = response.body();
        assertThat(page).contains("<svg", "</svg>", "E10000020", "E10000029", "2024-01", "2024-02", "2024-03");
        assertThat(page).doesNotContain("<script", "src=", "href=", "@import", "url(");
        // January: one Norfolk contact (suppressed); February 13 and 7; March: one Norfolk contact (suppressed).
        assertThat(page).contains("<tr><td>E10000020</td><td>suppressed</td><td>13</td><td>suppressed</td></tr>");
        assertThat(page).contains("<tr><td>E10000029</td><td>0</td><td>7</td><td>0</td></tr>");
        assertThat(page).contains("<title>E10000020 2024-02: 13</title>", "<title>E10000020 2024-03: suppressed</title>");
    }

    @Test
    void theMonthlySendReachesTheNamedPartnersOnceUnderItsAgreement() throws Exception {
        HttpResponse<String> refused = auditor.post("/ig/reports/monthly/send?month=2024-02", "");
        assertThat(refused.statusCode()).isEqualTo(403);

        HttpResponse<String> sent = officer.post("/ig/reports/monthly/send?month=2024-02", "");
        assertThat(sent.statusCode()).as(sent.body()).isIn(200, 202);
        JsonNode body = json(sent.body());
        String trackingId = body.path("trackingId").asText();
        String messageId = MonthlyReportSubmission.messageId(MONTH);
        for (String partner : RECIPIENTS) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile(partner, messageId)));
            Bundle copy = MonitoringMessages.FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(inboxFile(partner, messageId)));
            MessageHeader header = (MessageHeader) copy.getEntryFirstRep().getResource();
            assertThat(header.getEventCoding().getCode()).isEqualTo("monthly-monitoring-report");
            assertThat(header.getSource().getEndpoint()).isEqualTo("urn:carebridge:partner:carebridge-gateway");
            MeasureReport report = (MeasureReport) copy.getEntry().get(1).getResource();
            assertThat(total(report, "police-contacts")).isEqualTo(20);
            assertThat(strata(report, "custody-notification", "area")).containsExactly("E10000020=masked", "E10000029=masked");
            assertThat(copy.getEntry()).hasSize(2);
        }
        List<String> decided = jdbc.queryForList("select recipient || ':' || outcome || ':' || agreement_id from decision where tracking_id = ?::uuid order by recipient",
                String.class, trackingId);
        assertThat(decided).containsExactly("norfolk-corporate-parenting-board:PERMIT:monthly-monitoring-report",
                "norfolk-police-district-leads:PERMIT:monthly-monitoring-report", "ofsted:PERMIT:monthly-monitoring-report");
        assertThat(jdbc.queryForObject("select sender from intake_record where tracking_id = ?::uuid", String.class, trackingId))
                .isEqualTo("carebridge-gateway");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where tracking_id = ? and kind = 'DISCLOSED'", Long.class, trackingId) == 3);

        HttpResponse<String> again = officer.post("/ig/reports/monthly/send?month=2024-02", "");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again.body()).path("alreadySent").asBoolean()).isTrue();
        assertThat(json(again.body()).path("trackingId").asText()).isEqualTo(trackingId);
    }

    @Test
    void theScheduledJobSendsThePreviousMonth() {
        assertThat(environment.getProperty("carebridge.report.monthly-cron")).isEqualTo("0 0 6 1 * *");
        YearMonth previous = YearMonth.now(ZoneId.of("Europe/London")).minusMonths(1);
        schedule.sendPreviousMonth();
        assertThat(jdbc.queryForObject("select count(*) from intake_record where sender = 'carebridge-gateway' and message_id = ?",
                Long.class, MonthlyReportSubmission.messageId(previous))).isEqualTo(1);
        schedule.sendPreviousMonth();
        assertThat(jdbc.queryForObject("select count(*) from intake_record where sender = 'carebridge-gateway' and message_id = ?",
                Long.class, MonthlyReportSubmission.messageId(previous))).isEqualTo(1);
    }

    @Test
    void badRequestsAreRefusedClearly() throws Exception {
        assertThat(auditor.get("/ig/reports/monthly?month=2024-13").statusCode()).isEqualTo(400);
        assertThat(auditor.get("/ig/reports/monthly?month=feb&format=fhir").statusCode()).isEqualTo(400);
        assertThat(auditor.get("/ig/reports/monthly?month=2024-02&format=xml").statusCode()).isEqualTo(400);
        assertThat(auditor.get("/ig/reports/monthly?month=2999-01").statusCode()).isEqualTo(400);
        assertThat(auditor.get("/ig/reports/monthly/chart?months=0").statusCode()).isEqualTo(400);
        assertThat(officer.post("/ig/reports/monthly/send", "").statusCode()).isEqualTo(400);
        assertThat(IgClient.anonymous(PKI.caCertificate(), baseUrl()).get("/ig/reports/monthly?month=2024-02").statusCode()).isEqualTo(401);
    }

    @Test
    void theFactsTableHoldsNothingThatIdentifiesAChild() {
        assertThat(jdbc.queryForList("select column_name from information_schema.columns where table_name = 'monitoring_fact' order by ordinal_position",
                String.class)).containsExactly("fact_id", "tracking_id", "month", "measure", "area", "placing_authority", "childrens_home",
                "age_band", "sex", "ethnic_group", "recorded_at");
        assertThat(jdbc.queryForObject("select count(*) from monitoring_fact where month = '2024-02-01'", Long.class)).isEqualTo(35);
    }

    // --- helpers

    private void users() throws Exception {
        Path file = DATA_DIR.resolve("pki/ig-users.dev-only.txt");
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            passwords.load(in);
        }
        officer = IgClient.as("ig-officer", passwords.getProperty("ig-officer"), PKI.caCertificate(), baseUrl());
        auditor = IgClient.as("auditor", passwords.getProperty("auditor"), PKI.caCertificate(), baseUrl());
    }

    private static Bundle custodyBundle(String area, String gender, String ethnic, String start) {
        return MonitoringMessages.contact("custody-notification", "police-norfolk",
                new Child(gender, "2009-06-01", ethnic, S, area, home(area)), start);
    }

    private void custody(String area, String gender, String ethnic, String start) throws Exception {
        post("police-norfolk", custodyBundle(area, gender, ethnic, start));
    }

    private void missing(String sender, String area, String gender, String ethnic, String start) throws Exception {
        post(sender, MonitoringMessages.contact("missing-episode", sender, new Child(gender, "2009-06-01", ethnic, S, area, home(area)), start));
    }

    private void outcomes(String area, String... codes) throws Exception {
        post("yjs-norfolk", MonitoringMessages.outcomes("yjs-norfolk", new Child("male", "2007-06-01", "A", S, area, home(area)),
                "2024-02-20T10:00:00Z", codes));
    }

    private static String home(String area) {
        return area.equals(N) ? "NCH-0001" : "SCH-0002";
    }

    private void post(String sender, Bundle bundle) throws Exception {
        HttpResponse<String> response = as(sender).processMessage(MonitoringMessages.json(bundle));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static Integer total(MeasureReport report, String measure) {
        return group(report, measure).getPopulationFirstRep().getCountElement().getValue();
    }

    private static MeasureReportGroupComponent group(MeasureReport report, String measure) {
        return report.getGroup().stream().filter(g -> g.getCode().getCodingFirstRep().getCode().equals(measure)).findFirst().orElseThrow();
    }

    /** "stratum=count", or "stratum=masked" where the count is absent for the data-absent-reason 'masked'. */
    private static List<String> strata(MeasureReport report, String measure, String stratifier) {
        List<String> strata = new ArrayList<>();
        for (StratifierGroupComponent stratum : group(report, measure).getStratifier().stream()
                .filter(s -> s.getCodeFirstRep().getCodingFirstRep().getCode().equals(stratifier)).findFirst().orElseThrow().getStratum()) {
            IntegerType count = stratum.getPopulationFirstRep().getCountElement();
            strata.add(stratum.getValue().getText() + "=" + (count.getValue() != null ? count.getValue().toString()
                    : "masked".equals(((org.hl7.fhir.r4.model.CodeType) count.getExtensionByUrl(MonthlyMeasureReport.DATA_ABSENT_REASON).getValue()).getValue())
                    ? "masked" : "?"));
        }
        return strata;
    }

    private static boolean published(IntegerType count) {
        return count.getValue() == null ? count.getExtensionByUrl(MonthlyMeasureReport.DATA_ABSENT_REASON) != null
                : count.getValue() == 0 || count.getValue() >= 5;
    }
}
