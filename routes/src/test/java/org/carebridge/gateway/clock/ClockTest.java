package org.carebridge.gateway.clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.crypto.Pem;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Record clocks end to end, on the real stack with the demo partners: a placement delivered in time stops its clock; one
 * held up over Christmas breaches only after the weekends and bank holidays, once, even with two nodes scanning, and
 * the breach shows as a metric, a ledger entry, on the IG view and as an alert delivered to the duty partner.
 */
class ClockTest extends GatewayTest {

    static final String PLACEMENT_TYPE = "https://carebridge.example.org/fhir/CodeSystem/placement-type";

    @Autowired
    ClockScanner scanner;
    @Autowired
    RecordClocks clocks;
    @Autowired
    DutyPartnerAlert alerts;
    @Autowired
    ClockMetrics clockMetrics;
    @Autowired
    ClockRules rules;
    @Autowired
    Clock clock;
    @Autowired
    ClockProperties properties;
    @Autowired
    MeterRegistry meters;

    @Test
    void anEmergencyPlacementDeliveredInTimeStopsItsClock() throws Exception {
        Instant start = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        UUID trackingId = send(Examples.newMessageId(), start);

        ClockView stopped = await().atMost(Duration.ofSeconds(30)).until(() -> clocks.find(trackingId).orElseThrow(),
                c -> c.state().equals("STOPPED"));

        assertThat(stopped.ruleId()).isEqualTo("emergency-placement");
        assertThat(stopped.startSource()).isEqualTo("message");
        assertThat(stopped.startedAt()).isEqualTo(start);
        assertThat(stopped.deadline()).isEqualTo(endOfFifthWorkingDayAfter(start));
        assertThat(stopped.stoppedAt()).isBefore(stopped.deadline());
        assertThat(stopped.breachedAt()).isNull();
        assertThat(stopped.outstanding()).isEmpty();
        assertThat(deliveryStates(trackingId)).containsOnly("DELIVERED").hasSize(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> ledger(trackingId, "CLOCK_STOPPED").equals(List.of("stopped-in-time")));

        // Past its deadline a stopped clock stays stopped: no warning, no breach.
        scanner.scan(stopped.deadline().plusSeconds(1));
        assertThat(clocks.find(trackingId).orElseThrow().state()).isEqualTo("STOPPED");
        assertThat(facts(trackingId, "CLOCK_BREACHED") + facts(trackingId, "CLOCK_WARNING")).isZero();
        assertThat(prometheus()).containsPattern(
                "carebridge_clocks_stopped_total\\{[^}]*event=\"placement-notification\"[^}]*outcome=\"in-time\"[^}]*rule=\"emergency-placement\"");
    }

    @Test
    void anEmergencyPlacementOnChristmasEveBreachesOnlyAfterTheHolidaysOnceAndTheDutyPartnerIsAlerted() throws Exception {
        inbox("vs-suffolk").setOnline(false);
        try {
            Instant start = Instant.parse("2026-12-24T17:00:00Z");
            UUID trackingId = send(Examples.newMessageId(), start);
            String alertMessageId = "clock-breach-" + trackingId;
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveryStates(trackingId).stream().filter("DELIVERED"::equals).count() == 2);

            ClockView running = clocks.find(trackingId).orElseThrow();
            assertThat(running.state()).isEqualTo("RUNNING");
            assertThat(running.deadline()).isEqualTo(Instant.parse("2027-01-06T00:00:00Z"));
            assertThat(running.outstanding()).containsExactly("vs-suffolk");

            // Five weekdays on would be Thursday 31 December; Christmas, the Boxing Day substitute and New Year do not count.
            scanner.scan(Instant.parse("2026-12-31T23:59:59Z"));
            scanner.scan(Instant.parse("2027-01-04T12:00:00Z"));
            assertThat(clocks.find(trackingId).orElseThrow().state()).isEqualTo("RUNNING");

            scanner.scan(Instant.parse("2027-01-05T00:00:01Z"));
            ClockView warned = clocks.find(trackingId).orElseThrow();
            assertThat(warned.state()).isEqualTo("WARNING");
            assertThat(warned.warnedAt()).isEqualTo(Instant.parse("2027-01-05T00:00:01Z"));
            scanner.scan(Instant.parse("2027-01-05T23:59:59Z"));
            assertThat(clocks.find(trackingId).orElseThrow().state()).isEqualTo("WARNING");

            // Two gateway nodes scan the same database at the same moment: the breach is raised once.
            double breachesBefore = breachCount();
            ClockScanner otherNode = new ClockScanner(clocks, alerts, clockMetrics, rules, clock, properties);
            Instant breachTime = Instant.parse("2027-01-06T00:00:01Z");
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<ClockScanner.Scan> first = CompletableFuture.supplyAsync(() -> awaitThen(go, () -> scanner.scan(breachTime)));
            CompletableFuture<ClockScanner.Scan> second = CompletableFuture.supplyAsync(() -> awaitThen(go, () -> otherNode.scan(breachTime)));
            go.countDown();
            first.get();
            second.get();

            ClockView breached = clocks.find(trackingId).orElseThrow();
            assertThat(breached.state()).isEqualTo("BREACHED");
            assertThat(breached.breachedAt()).isEqualTo(breachTime);
            assertThat(facts(trackingId, "CLOCK_WARNING")).isEqualTo(1);
            assertThat(facts(trackingId, "CLOCK_BREACHED")).isEqualTo(1);
            assertThat(breachCount()).isGreaterThanOrEqualTo(breachesBefore + 1);
            assertThat(prometheus()).containsPattern(
                    "carebridge_clocks_breaches_total\\{[^}]*event=\"placement-notification\"[^}]*rule=\"emergency-placement\"")
                    .containsPattern("carebridge_clocks_open\\{[^}]*event=\"placement-notification\"[^}]*state=\"BREACHED\"");
            await().atMost(Duration.ofSeconds(20)).until(() -> ledger(trackingId, "CLOCK_BREACHED").equals(List.of("breached")));
            String reason = jdbc.queryForObject("select reason from audit_entry where tracking_id = ? and kind = 'CLOCK_BREACHED'",
                    String.class, trackingId.toString());
            assertThat(reason).contains("rule=emergency-placement", "deadline=2027-01-06T00:00:00Z", "outstanding=vs-suffolk")
                    .doesNotContain("9434765919");

            // The duty partner's alert: one governed record from the gateway, delivered to Norfolk, nothing about the child.
            assertThat(jdbc.queryForObject("select count(*) from intake_record where message_id = ? and sender = 'carebridge-gateway'",
                    Long.class, alertMessageId)).isEqualTo(1);
            UUID alertTrackingId = jdbc.queryForObject("select tracking_id from intake_record where message_id = ?", UUID.class, alertMessageId);
            assertThat(clocks.find(trackingId).orElseThrow().alertTrackingId()).isEqualTo(alertTrackingId);
            assertThat(jdbc.queryForList("select recipient || ' ' || outcome || ' ' || agreement_id || ' ' || rule_id from decision where tracking_id = ?",
                    String.class, alertTrackingId)).containsExactly("cs-norfolk PERMIT clock-breach-alert duty-cs-norfolk");
            assertThat(clocks.find(alertTrackingId)).as("an alert has no clock of its own").isEmpty();
            Path alertFile = inboxFile("cs-norfolk", alertMessageId);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(alertFile));
            String alert = Files.readString(alertFile);
            JsonNode task = json(alert).path("entry").get(1).path("resource");
            assertThat(task.path("resourceType").asText()).isEqualTo("Task");
            assertThat(task.path("focus").path("identifier").path("value").asText()).isEqualTo(trackingId.toString());
            assertThat(task.path("code").path("coding").get(0).path("code").asText()).isEqualTo("placement-notification");
            assertThat(task.path("restriction").path("period").path("end").asText()).isEqualTo("2027-01-06T00:00:00Z");
            assertThat(alert).contains("vs-suffolk", "emergency-placement")
                    .doesNotContain("9434765919", "SCC-000123", "Example", "2012-03-14", "Norwich", "Asthma");
            for (String notDuty : new String[]{"cs-suffolk", "health-norfolk", "police-norfolk"}) {
                assertThat(inboxFile(notDuty, alertMessageId)).doesNotExist();
            }

            // On the IG view, for IG users only.
            JsonNode listed = null;
            HttpResponse<String> list = ig("auditor", "/ig/clocks?state=BREACHED");
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            for (JsonNode item : json(list.body())) {
                assertThat(item.path("breached").asBoolean()).as(item.toString()).isTrue();
                assertThat(item.path("state").asText()).isIn("BREACHED", "STOPPED");
                if (item.path("trackingId").asText().equals(trackingId.toString())) {
                    listed = item;
                }
            }
            assertThat(listed).isNotNull();
            assertThat(listed.path("event").asText()).isEqualTo("placement-notification");
            assertThat(listed.path("started").asText()).isEqualTo("2026-12-24T17:00:00Z");
            assertThat(listed.path("deadline").asText()).isEqualTo("2027-01-06T00:00:00Z");
            assertThat(listed.path("outstandingRecipients").toString()).isEqualTo("[\"vs-suffolk\"]");
            assertThat(listed.path("dutyPartner").asText()).isEqualTo("cs-norfolk");
            assertThat(listed.path("alertTrackingId").asText()).isEqualTo(alertTrackingId.toString());
            assertThat(ig("auditor", "/ig/clocks?state=LATE").statusCode()).isEqualTo(400);
            assertThat(ig(null, "/ig/clocks").statusCode()).isEqualTo(401);
            assertThat(as("cs-suffolk").get("/ig/clocks").statusCode()).isEqualTo(403);

            // Scanning again raises nothing twice and sends no second alert.
            int duplicatesBefore = inbox("cs-norfolk").duplicates();
            scanner.scan(Instant.parse("2027-01-07T09:00:00Z"));
            assertThat(facts(trackingId, "CLOCK_BREACHED")).isEqualTo(1);
            assertThat(jdbc.queryForObject("select count(*) from intake_record where message_id = ?", Long.class, alertMessageId)).isEqualTo(1);
            assertThat(inbox("cs-norfolk").duplicates()).isEqualTo(duplicatesBefore);

            // A node that stored the alert and died before marking it sent: the next scan (any node) finds it due again,
            // and the alert's message id keeps it to one record and one delivery.
            jdbc.update("update record_clock set alert_due = true, alert_tracking_id = null where tracking_id = ?", trackingId);
            scanner.scan(Instant.parse("2027-01-07T09:00:30Z"));
            assertThat(clocks.find(trackingId).orElseThrow().alertTrackingId()).isEqualTo(alertTrackingId);
            assertThat(jdbc.queryForObject("select count(*) from intake_record where message_id = ?", Long.class, alertMessageId)).isEqualTo(1);
            assertThat(jdbc.queryForObject("select count(*) from delivery where tracking_id = ?", Long.class, alertTrackingId)).isEqualTo(1);
            assertThat(inbox("cs-norfolk").duplicates()).isEqualTo(duplicatesBefore);
        } finally {
            inbox("vs-suffolk").setOnline(true);
        }
    }

    @Test
    void aPlacementNotifiedAfterItsDeadlineIsABreachEvenThoughItIsDeliveredAtOnce() throws Exception {
        Instant start = Instant.now().minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);
        UUID trackingId = send(Examples.newMessageId(), start);

        ClockView stopped = await().atMost(Duration.ofSeconds(30)).until(() -> clocks.find(trackingId).orElseThrow(),
                c -> c.state().equals("STOPPED"));

        assertThat(stopped.breachedAt()).isNotNull().isAfter(stopped.deadline());
        assertThat(facts(trackingId, "CLOCK_BREACHED")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> ledger(trackingId, "CLOCK_STOPPED").equals(List.of("stopped-late")));

        scanner.scan(Instant.now());
        Path alertFile = inboxFile("cs-norfolk", "clock-breach-" + trackingId);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(alertFile));
        assertThat(Files.readString(alertFile)).contains(trackingId.toString()).doesNotContain("outstanding-recipient");
        assertThat(facts(trackingId, "CLOCK_BREACHED")).isEqualTo(1);

        // The alert says it was delivered late, and when; it names no empty list of waiting partners.
        JsonNode task = json(Files.readString(alertFile)).path("entry").get(1).path("resource");
        assertThat(task.path("businessStatus").path("text").asText())
                .isEqualTo("Deadline passed; delivered late, at " + stopped.stoppedAt());
        JsonNode late = task.path("input").get(0);
        assertThat(late.path("type").path("coding").get(0).path("code").asText()).isEqualTo("delivered-late");
        assertThat(Instant.parse(late.path("valueDateTime").asText())).isEqualTo(stopped.stoppedAt());

        // A breach delivered late stays findable as a breach.
        boolean listed = false;
        for (JsonNode item : json(ig("auditor", "/ig/clocks?state=BREACHED&_count=1000").body())) {
            if (item.path("trackingId").asText().equals(trackingId.toString())) {
                listed = true;
                assertThat(item.path("state").asText()).isEqualTo("STOPPED");
                assertThat(item.path("deliveredLate").asBoolean()).isTrue();
                assertThat(item.path("breachedAt").asText()).isEqualTo(stopped.breachedAt().toString());
            }
        }
        assertThat(listed).as("the late clock is listed as breached").isTrue();
    }

    private UUID send(String messageId, Instant placementStart) throws Exception {
        ObjectNode bundle = (ObjectNode) json(Examples.placementNotification(messageId));
        for (JsonNode entry : bundle.path("entry")) {
            if (entry.path("resource").path("resourceType").asText().equals("EpisodeOfCare")) {
                ObjectNode episode = (ObjectNode) entry.path("resource");
                ObjectNode type = episode.putArray("type").addObject();
                ObjectNode coding = type.putArray("coding").addObject();
                coding.put("system", PLACEMENT_TYPE);
                coding.put("code", "emergency");
                type.put("text", "Emergency placement");
                episode.putObject("period").put("start", placementStart.toString());
            }
        }
        HttpResponse<String> response = as("cs-suffolk").processMessage(JSON.writeValueAsBytes(bundle));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return UUID.fromString(response.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow());
    }

    /** Independently of WorkingDays: count forward over the weekdays that are not in the published list. */
    private static Instant endOfFifthWorkingDayAfter(Instant start) {
        LocalDate day = LocalDate.ofInstant(start, WorkingDays.ENGLAND);
        int counted = 0;
        while (counted < 5) {
            day = day.plusDays(1);
            if (day.getDayOfWeek().getValue() <= 5 && !WorkingDaysTest.BANK_HOLIDAYS.contains(day)) {
                counted++;
            }
        }
        return day.plusDays(1).atStartOfDay(WorkingDays.ENGLAND).toInstant();
    }

    private List<String> deliveryStates(UUID trackingId) {
        return jdbc.queryForList("select state from delivery where tracking_id = ?", String.class, trackingId);
    }

    /** Audit facts of a kind about a record, whether still in the outbox or already chained (one snapshot). */
    private long facts(UUID trackingId, String kind) {
        return jdbc.queryForObject("""
                select (select count(*) from audit_outbox where tracking_id = ? and kind = ?)
                     + (select count(*) from audit_entry where tracking_id = ? and kind = ?)""",
                Long.class, trackingId.toString(), kind, trackingId.toString(), kind);
    }

    private List<String> ledger(UUID trackingId, String kind) {
        return jdbc.queryForList("select outcome from audit_entry where tracking_id = ? and kind = ?", String.class,
                trackingId.toString(), kind);
    }

    private double breachCount() {
        Counter counter = meters.find("carebridge.clocks.breaches").tags("event", "placement-notification", "rule", "emergency-placement").counter();
        return counter == null ? 0 : counter.count();
    }

    private String prometheus() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> ig(String user, String path) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (var cert : Pem.readCertificates(PKI.caCertificate())) {
            store.setCertificateEntry("ca-" + i++, cert);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET();
        if (user != null) {
            Properties passwords = new Properties();
            try (Reader in = Files.newBufferedReader(DATA_DIR.resolve("pki/ig-users.dev-only.txt"))) {
                passwords.load(in);
            }
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + passwords.getProperty(user)).getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newBuilder().sslContext(tls).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T awaitThen(CountDownLatch latch, java.util.function.Supplier<T> action) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return action.get();
    }
}
