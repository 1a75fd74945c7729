package org.carebridge.gateway.delivery;

import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The partner-outage and poison-message faults on the whole gateway (real broker, database, mutual TLS and demo
 * partners). Time is compressed by configuration: the shared test context has 200 ms to 1 s redelivery delays and a
 * 300 ms probe interval, and an outage lasts a given number of failed probes rather than a wall-clock time.
 */
abstract class PartnerOutageScenarios extends GatewayTest {

    /** The partner that goes away: cs-suffolk's placement notifications go to it and to others. */
    static final String AWAY = "vs-suffolk";
    /** The partner that refuses some copies. */
    static final String REFUSING = "cs-norfolk";

    record OutageFigures(int records, int copiesToAway, long triedDuringOutage, long deadLetteredDuringOutage, long othersDelivered,
                         long survived, long lost, long duplicated, long drainMillis, double failedCopies, double failedAttempts) {
        @Override
        public String toString() {
            return "partner outage: records=" + records + " copies to the absent partner=" + copiesToAway
                    + " attempts during the outage=" + triedDuringOutage + " dead-lettered during the outage=" + deadLetteredDuringOutage
                    + " other partners' copies delivered during the outage=" + othersDelivered
                    + " | tried=" + copiesToAway + " survived=" + survived + " lost=" + lost + " duplicated=" + duplicated
                    + " | drained in " + drainMillis + " ms after its return"
                    + " | carebridge_deliveries_failed +" + (long) failedCopies + ", carebridge_delivery_attempts_failed +" + (long) failedAttempts;
        }
    }

    record PoisonFigures(int records, int poison, long deadLettered, long deadLetteredWithReason, long delivered, long lost,
                         long duplicated, long poisonAttempts) {
        @Override
        public String toString() {
            return "poison messages: records=" + records + " refused with 422=" + poison + " | tried=" + records
                    + " survived=" + delivered + " dead-lettered=" + deadLettered + " (with the partner's reason: " + deadLetteredWithReason + ")"
                    + " lost=" + lost + " duplicated=" + duplicated + " | attempts at the refused copies=" + poisonAttempts;
        }
    }

    /** {@code records} placements while {@link #AWAY} answers 503 to everything, for {@code outageProbes} failed probes. */
    OutageFigures outage(int records, int outageProbes, Duration drainWithin) throws Exception {
        DemoInbox away = inbox(AWAY);
        int duplicatesBefore = away.duplicates();
        double failedCopiesBefore = metric("carebridge_deliveries_failed_total", AWAY);
        double failedAttemptsBefore = metric("carebridge_delivery_attempts_failed_total", AWAY);
        List<String> messageIds;
        long posted;
        long drainMillis;
        away.setOnline(false);
        try {
            int postsBefore = away.posts();
            messageIds = send(records, Set.of());
            int copies = copies(messageIds, AWAY);
            assertThat(copies).isEqualTo(records);

            // the others are not held back
            long others = copiesNotTo(messageIds, AWAY);
            await().atMost(Duration.ofSeconds(60 + records / 10)).until(() -> delivered(messageIds, AWAY, false) == others);
            await().atMost(Duration.ofSeconds(30)).until(() -> metric("carebridge_delivery_circuit_open", AWAY) == 1.0);
            double probesBefore = metric("carebridge_delivery_circuit_probes_total", AWAY);
            await().atMost(Duration.ofSeconds(30 + outageProbes)).pollInterval(Duration.ofMillis(100))
                    .until(() -> metric("carebridge_delivery_circuit_probes_total", AWAY) >= probesBefore + outageProbes);

            posted = away.posts() - postsBefore;
            assertThat(state(messageIds, AWAY, "DEAD_LETTERED")).as("no copy used up its attempts while the partner was away").isZero();
            assertThat(state(messageIds, AWAY, "DELIVERED")).isZero();
            assertThat(metric("carebridge_delivery_backlog_waiting", AWAY)).isGreaterThanOrEqualTo(records);
            assertThat(metric("carebridge_delivery_backlog_oldest_age_seconds", AWAY)).isPositive();
        } finally {
            away.setOnline(true);
        }
        long returned = System.nanoTime();
        await().atMost(drainWithin).pollInterval(Duration.ofMillis(50)).until(() -> delivered(messageIds, AWAY, true) == records);
        drainMillis = (System.nanoTime() - returned) / 1_000_000;
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("carebridge_delivery_circuit_open", AWAY) == 0.0);

        long inInbox = messageIds.stream().filter(id -> Files.exists(inboxFile(AWAY, id))).count();
        double failedCopies = metric("carebridge_deliveries_failed_total", AWAY) - failedCopiesBefore;
        double failedAttempts = metric("carebridge_delivery_attempts_failed_total", AWAY) - failedAttemptsBefore;
        OutageFigures figures = new OutageFigures(records, records, posted, state(messageIds, AWAY, "DEAD_LETTERED"),
                delivered(messageIds, AWAY, false), inInbox, records - inInbox, away.duplicates() - duplicatesBefore, drainMillis,
                failedCopies, failedAttempts);
        System.out.println(figures);
        return figures;
    }

    /** {@code records} placements of which {@code poison} make {@link #REFUSING} answer 422. */
    PoisonFigures poison(int records, int poison) throws Exception {
        DemoInbox refusing = inbox(REFUSING);
        int duplicatesBefore = refusing.duplicates();
        Set<Integer> poisoned = new HashSet<>();
        for (int i = 0; i < poison; i++) {
            poisoned.add(i * (records / poison));
        }
        List<String> messageIds = send(records, poisoned);
        List<String> refused = new ArrayList<>();
        for (int i : poisoned) {
            refused.add(messageIds.get(i));
        }
        List<String> accepted = messageIds.stream().filter(id -> !refused.contains(id)).toList();
        try {
            await().atMost(Duration.ofSeconds(60 + records / 10)).pollInterval(Duration.ofMillis(100)).until(() ->
                    state(refused, REFUSING, "DEAD_LETTERED") == poison && state(accepted, REFUSING, "DELIVERED") == records - poison);
        } finally {
            refused.forEach(refusing::accept);
        }
        long withReason = jdbc.queryForObject("""
                select count(*) from delivery d join intake_record r using (tracking_id)
                where r.message_id = any (?) and d.recipient = ? and d.state = 'DEAD_LETTERED' and d.last_error like '%HTTP 422%'""",
                Long.class, refused.toArray(String[]::new), REFUSING);
        long poisonAttempts = jdbc.queryForObject("""
                select coalesce(sum(d.attempts), 0) from delivery d join intake_record r using (tracking_id)
                where r.message_id = any (?) and d.recipient = ?""", Long.class, refused.toArray(String[]::new), REFUSING);
        long inInbox = accepted.stream().filter(id -> Files.exists(inboxFile(REFUSING, id))).count();
        PoisonFigures figures = new PoisonFigures(records, poison, state(refused, REFUSING, "DEAD_LETTERED"), withReason,
                inInbox, records - poison - inInbox, refusing.duplicates() - duplicatesBefore, poisonAttempts);
        System.out.println(figures);
        return figures;
    }

    private List<String> send(int records, Set<Integer> refusedAt) throws Exception {
        List<String> messageIds = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String messageId = Examples.newMessageId();
            messageIds.add(messageId);
            if (refusedAt.contains(i)) {
                inbox(REFUSING).refuse(messageId, 422);
            }
        }
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String messageId : messageIds) {
                answers.add(senders.submit(() -> as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(202);
            }
        } finally {
            senders.shutdown();
        }
        return messageIds;
    }

    int copies(List<String> messageIds, String partner) {
        return jdbc.queryForObject("""
                select count(*) from delivery d join intake_record r using (tracking_id) where r.message_id = any (?) and d.recipient = ?""",
                Integer.class, messageIds.toArray(String[]::new), partner);
    }

    long copiesNotTo(List<String> messageIds, String partner) {
        return jdbc.queryForObject("""
                select count(*) from delivery d join intake_record r using (tracking_id) where r.message_id = any (?) and d.recipient <> ?""",
                Long.class, messageIds.toArray(String[]::new), partner);
    }

    long state(List<String> messageIds, String partner, String state) {
        return jdbc.queryForObject("""
                select count(*) from delivery d join intake_record r using (tracking_id)
                where r.message_id = any (?) and d.recipient = ? and d.state = ?""", Long.class, messageIds.toArray(String[]::new), partner, state);
    }

    /** Delivered copies to the partner ({@code to}) or to everyone else. */
    long delivered(List<String> messageIds, String partner, boolean to) {
        return jdbc.queryForObject("select count(*) from delivery d join intake_record r using (tracking_id) where r.message_id = any (?) and d.recipient "
                + (to ? "=" : "<>") + " ? and d.state = 'DELIVERED'", Long.class, messageIds.toArray(String[]::new), partner);
    }

    /** The sum over a metric's series for one partner, from the Prometheus endpoint. */
    double metric(String name, String partner) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        double sum = 0;
        while (line.find()) {
            if (line.group(1).contains("partner=\"" + partner + "\"")) {
                sum += Double.parseDouble(line.group(2));
            }
        }
        return sum;
    }
}
