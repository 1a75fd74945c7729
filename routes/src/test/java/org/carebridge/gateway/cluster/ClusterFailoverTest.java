package org.carebridge.gateway.cluster;

import org.carebridge.gateway.clock.DutyPartnerAlert;
import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.support.ArtemisBrokerProcess;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.SmallFilesystem;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The short multi-node run that is part of {@code ./mvnw verify}: the topology of docker/compose.yaml started once (a
 * standalone PostgreSQL, an Artemis primary with its replicating backup, two gateway nodes), then one small burst or
 * fault after another, with node-1's clock two minutes ahead throughout:
 * <ol>
 *   <li>node kill: the node leading the singleton jobs is killed with SIGKILL halfway through a burst; no accepted
 *   record is lost or stored twice, the lead moves to the survivor;</li>
 *   <li>broker kill: the broker primary is killed halfway through a burst; the backup takes over, nothing is lost, and a partner
 *   that needs per-child order (made so by a registry change at the start) receives the copies in acceptance order;</li>
 *   <li>clock skew: planned placements whose deadline (the placement's start) is seconds away, one recipient away so
 *   their clocks keep running: node-1, two minutes ahead, breaches them before node-0 sees the deadline, node-0 scans
 *   past it as well, and each clock is breached once and its duty partner alerted once;</li>
 *   <li>database outage: PostgreSQL stopped for {@code cluster.db-outage} while records come: 503 with Retry-After,
 *   nothing half-stored, the refused records taken when sent again, and the lead comes back by itself;</li>
 *   <li>disk full: PostgreSQL's data directory is on a small tmpfs of its own ({@link SmallFilesystem}), which is filled
 *   while records come: 503 with Retry-After, nothing half-stored, taken when sent again once the space returns, and
 *   amcheck finds every index consistent. Where the machine allows no such filesystem this phase is skipped, saying so.</li>
 * </ol>
 * At the end every record is stored once and delivered, the ledger is in time order and verifies offline. The full
 * sizes are behind -Preliability.
 */
class ClusterFailoverTest {

    private static final int BURST = Integer.getInteger("cluster.burst", 40);
    /** Records in each of the clock-skew, database-outage and disk-full phases. */
    private static final int SMALL_BURST = Integer.getInteger("cluster.small-burst", 10);
    /** node-1's clock is this far ahead of node-0's and the database's. */
    private static final Duration SKEW = Duration.ofMinutes(2);
    /** How far ahead of the send the clock-skew phase's placements start, which is their deadline. */
    private static final Duration DEADLINE_AHEAD = Duration.parse(System.getProperty("cluster.skew-deadline", "PT20S"));
    private static final Duration SCAN = Duration.ofSeconds(2);
    private static final Duration DB_OUTAGE = Duration.parse(System.getProperty("cluster.db-outage", "PT5S"));
    private static final String DISK = System.getProperty("cluster.disk-size", "256m");
    private static final int WHILE_FULL = Integer.getInteger("cluster.disk-full-attempts", 8);
    /** The recipient that is away while the clock-skew phase's deadlines pass. */
    private static final String AWAY = "vs-suffolk";

    @Test
    void killingTheLeadingNodeAndThenTheBrokerPrimaryLosesNoAcceptedRecord() throws Exception {
        long started = System.nanoTime();
        try (ReliabilityRun run = new ReliabilityRun(2, true, List.of(
                "--carebridge.cluster.lease=6s",
                "--carebridge.cluster.renew-interval=1s",
                "--carebridge.audit.checkpoint-interval=3s",
                "--carebridge.delivery.sweep-after=10s",
                "--carebridge.delivery.sweep-interval=5s",
                "--carebridge.delivery.claim-timeout=3s",
                "--carebridge.delivery.circuit.probe-interval=500ms",
                "--carebridge.clocks.scan-interval=" + SCAN.toSeconds() + "s",
                // a request waits this long (ms) for a database connection before it is answered 503
                "--spring.datasource.hikari.connection-timeout=2000"),
                i -> i == 1 ? List.of("--carebridge.cluster.clock-offset=" + SKEW) : List.of(), 8, DISK)) {
            long topologyUp = System.nanoTime();
            ChildOrderCheck.requirePerChildOrder(run);
            await().atMost(Duration.ofSeconds(30)).until(() -> run.leaderIndex() >= 0);
            int victim = run.leaderIndex();
            GatewayProcess survivor = run.node(1 - victim);

            long[] killed = new long[1];
            run.burst(BURST, () -> {
                run.node(victim).kill();
                killed[0] = System.nanoTime();
            });
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> ("node-" + (1 - victim)).equals(run.leader()));
            Duration leadMoved = Duration.ofNanos(System.nanoTime() - killed[0]);
            // the killed node comes back while the survivor delivers, so that the phases after this have two nodes again
            long restartFrom = System.nanoTime();
            CompletableFuture<Void> back = CompletableFuture.runAsync(() -> {
                try {
                    run.node(victim).start();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            run.awaitDelivered(Duration.ofMinutes(2));
            int nodeKillLost = run.lost();
            int nodeKillTwice = run.storedTwice();
            int nodeKillResent = run.resent();
            int nodeKillAccepted = run.accepted().size();
            int nodeKillRetried = run.retried();
            long waitedFrom = System.nanoTime();
            back.get(10, TimeUnit.MINUTES);
            Duration restartWait = Duration.ofNanos(System.nanoTime() - waitedFrom);
            Duration restartTook = Duration.ofNanos(System.nanoTime() - restartFrom);

            List<ArtemisBrokerProcess> brokers = run.brokers();
            Set<String> beforeBrokerKill = Set.copyOf(run.accepted());
            ChildOrderCheck.noteArrivals(run);
            run.burst(BURST, () -> {
                brokers.get(0).kill();
                brokers.get(1).awaitLive(Duration.ofSeconds(60));
            });
            run.awaitDelivered(Duration.ofMinutes(2));
            Set<String> brokerKillBurst = ChildOrderCheck.since(run, beforeBrokerKill);
            int childOrderBroken = ChildOrderCheck.outOfOrder(run, brokerKillBurst);
            long ungrouped = ChildOrderCheck.withoutGroup(run, brokerKillBurst);
            int brokerKillAccepted = run.accepted().size() - nodeKillAccepted;
            int brokerKillLost = run.lost() - nodeKillLost;
            int brokerKillTwice = run.storedTwice() - nodeKillTwice;
            int brokerKillResent = run.resent() - nodeKillResent;

            // clock skew: placements planned to start in DEADLINE_AHEAD, one recipient away so that their clocks run on
            long skewStarted = System.nanoTime();
            DemoInbox away = run.partners().inbox(AWAY).orElseThrow();
            away.setOnline(false);
            Instant deadline = Instant.now().plus(DEADLINE_AHEAD);
            Set<String> before = Set.copyOf(run.accepted());
            run.burst(planned(run.template(), deadline), SMALL_BURST, null);
            List<String> skewed = run.accepted().stream().filter(id -> !before.contains(id)).toList();
            try (Connection db = run.db()) {
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                        .until(() -> breachedOf(db, skewed) == skewed.size());
            }
            Duration skewBreached = Duration.ofNanos(System.nanoTime() - skewStarted);

            // database outage, while the skew phase's deadlines pass for node-0 as well
            run.postgres().stop();
            long outageEnds = System.nanoTime() + DB_OUTAGE.toNanos();
            ReliabilityRun.Refusals outage = run.sendOnceEach(4, () -> System.nanoTime() < outageEnds);
            run.postgres().start();
            long restarted = System.nanoTime();
            long outageRefusedButStored;
            try (Connection db = run.db()) {
                outageRefusedButStored = ReliabilityRun.storedOf(db, outage.refused());
            }
            Duration outageResent = run.resend(outage, Duration.ofMinutes(2));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).until(() -> run.leader() != null);
            Duration leadBack = Duration.ofNanos(System.nanoTime() - restarted);
            Duration outageTook = Duration.ofNanos(System.nanoTime() - outageEnds + DB_OUTAGE.toNanos());

            // disk full
            String diskFull;
            ReliabilityRun.Refusals full = null;
            long fullRefusedButStored = 0;
            Duration fullTook = Duration.ZERO;
            SmallFilesystem disk = run.postgresFilesystem();
            if (disk == null) {
                diskFull = "skipped: " + run.smallFilesystemUnavailable();
                System.out.println("cluster-failover: the disk-full phase is skipped: " + run.smallFilesystemUnavailable());
            } else {
                long fullStarted = System.nanoTime();
                try (Connection db = run.db(); Statement sql = db.createStatement()) {
                    // WAL segments for what comes next exist before the disk fills: PostgreSQL must fail a statement, not its WAL
                    sql.execute("checkpoint");
                    sql.execute("select pg_switch_wal()");
                    sql.execute("checkpoint");
                }
                Path filler = disk.path().resolve("filler");
                long filled = SmallFilesystem.fill(filler);
                AtomicInteger attempts = new AtomicInteger();
                full = run.sendOnceEach(2, () -> attempts.getAndIncrement() < WHILE_FULL);
                Files.delete(filler);
                try (Connection db = run.db()) {
                    fullRefusedButStored = ReliabilityRun.storedOf(db, full.refused());
                }
                Duration resumed = run.resend(full, Duration.ofMinutes(2));
                fullTook = Duration.ofNanos(System.nanoTime() - fullStarted);
                diskFull = "tried " + full.tried() + " on a full " + DISK + " filesystem (" + filled / (1024 * 1024) + " MB filler), accepted "
                        + full.accepted().size() + ", answered 503 with Retry-After " + full.unavailable() + ", other answers "
                        + full.otherAnswers().size() + ", refused yet stored " + fullRefusedButStored
                        + ", refused records taken when sent again " + resumed.toMillis() + " ms after space returned";
            }

            // the skew phase's deadlines have passed on every node's clock, and node-0 has scanned since
            try (Connection db = run.db()) {
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                        .until(() -> databaseNow(db).isAfter(deadline.plus(SCAN.multipliedBy(3))));
            }
            away.setOnline(true);
            Duration skewTook = Duration.ofNanos(System.nanoTime() - skewStarted).minus(outageTook).minus(fullTook);

            run.awaitDelivered(Duration.ofMinutes(2));
            run.assertStoredOnceDeliveredAndClocksStopped();
            run.awaitLedgerSettled(Duration.ofMinutes(1));
            Alerts alerts;
            long halfStored;
            long skewByNodeAhead;
            String integrity = "not checked (no small filesystem)";
            try (Connection db = run.db()) {
                await().atMost(Duration.ofMinutes(1)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                        .until(() -> alertsDelivered(db, run, List.copyOf(run.accepted())));
                alerts = alerts(db, run);
                skewByNodeAhead = ReliabilityRun.count(db, """
                        select count(*) from record_clock c join intake_record r using (tracking_id)
                        where r.message_id = any (?) and c.breached_at > c.deadline + interval '1 minute'""", skewed.toArray(String[]::new));
                List<String> phases = new ArrayList<>(outage.accepted());
                phases.addAll(outage.refused());
                if (full != null) {
                    phases.addAll(full.accepted());
                    phases.addAll(full.refused());
                }
                halfStored = ReliabilityRun.halfStored(db, phases);
                if (disk != null) {
                    integrity = ReliabilityRun.amcheck(db);
                }
            }
            String ledger = run.verifyLedgerOffline(survivor);
            int outOfOrder = run.ledgerEntriesEarlierThanTheOneBefore();
            int breachedTwice = run.clocksBreachedMoreThanOnce();

            ReliabilityRun.report("cluster-failover", "node kill: tried " + BURST + ", accepted " + nodeKillAccepted
                    + " (" + nodeKillRetried + " sends retried on the other node), lost " + nodeKillLost + " copies, duplicated "
                    + nodeKillTwice + ", re-sent " + nodeKillResent + ", lead moved " + leadMoved.toMillis() + " ms after the kill (lease 6 s)"
                    + "; broker kill: tried " + BURST + ", accepted " + brokerKillAccepted + ", lost " + brokerKillLost
                    + " copies, duplicated " + brokerKillTwice + ", re-sent " + brokerKillResent
                    + ", " + ChildOrderCheck.PARTNER + " (per-child) copies out of order " + childOrderBroken
                    + " (without a group " + ungrouped + ")"
                    + "; clock skew (node-1 " + SKEW.toMinutes() + " min ahead): " + skewed.size() + " placements due "
                    + DEADLINE_AHEAD.toSeconds() + " s after sending, all breached " + skewBreached.toMillis() + " ms into the phase, "
                    + skewByNodeAhead + " of them by node-1 before the deadline; breach alerts: " + alerts
                    + "; database outage (" + DB_OUTAGE.toSeconds() + " s): tried " + outage.tried() + ", accepted " + outage.accepted().size()
                    + ", answered 503 with Retry-After " + outage.unavailable() + ", other answers " + outage.otherAnswers().size()
                    + ", refused yet stored " + outageRefusedButStored + ", refused records taken when sent again "
                    + outageResent.toMillis() + " ms after the restart, lead back " + leadBack.toMillis() + " ms after the restart"
                    + "; disk full: " + diskFull + "; half-stored " + halfStored + "; " + integrity
                    + "; ledger entries earlier than the one before " + outOfOrder + ", clocks breached twice " + breachedTwice
                    + "; ledger: " + ledger
                    + "; topology up in " + Duration.ofNanos(topologyUp - started).toSeconds() + " s, killed node back in "
                    + restartTook.toSeconds() + " s (" + restartWait.toSeconds() + " s of it waited for), clock-skew phase "
                    + skewTook.toSeconds() + " s, database outage phase "
                    + outageTook.toSeconds() + " s, disk-full phase " + fullTook.toSeconds() + " s, whole run "
                    + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");

            assertThat(nodeKillAccepted).isEqualTo(BURST);
            assertThat(brokerKillAccepted).isEqualTo(BURST);
            assertThat(skewed).hasSize(SMALL_BURST);
            assertThat(nodeKillLost).as("copies lost to the node kill").isZero();
            assertThat(run.lost()).as("copies lost").isZero();
            assertThat(run.storedTwice()).as("copies stored twice").isZero();
            assertThat(ungrouped).as("per-child copies without a message group").isZero();
            assertThat(childOrderBroken).as("per-child copies out of acceptance order across the broker failover").isZero();
            assertThat(ledger).startsWith("OK");
            assertThat(outOfOrder).as("ledger entries earlier than the one before them").isZero();
            assertThat(breachedTwice).as("clocks breached more than once").isZero();
            assertThat(alerts.breached()).as("clocks breached").isGreaterThanOrEqualTo(SMALL_BURST);
            assertThat(alerts.alerted()).as("breached clocks alerted once").isEqualTo(alerts.breached());
            assertThat(alerts.duplicateAlerts()).as("duplicate breach alerts").isZero();

            assertThat(outage.unavailable()).as("503s with Retry-After while the database was down").isPositive();
            assertThat(outage.otherAnswers()).as("answers other than 202, or 503 with Retry-After, while the database was down").isEmpty();
            assertThat(outageRefusedButStored).as("records refused while the database was down, yet stored").isZero();
            assertThat(halfStored).as("records of the outage phases stored without all their parts, or not at all").isZero();
            if (full != null) {
                assertThat(full.unavailable()).as("503s with Retry-After while the disk was full").isPositive();
                assertThat(full.otherAnswers()).as("answers other than 202, or 503 with Retry-After, while the disk was full").isEmpty();
                assertThat(fullRefusedButStored).as("records refused while the disk was full, yet stored").isZero();
                assertThat(integrity).startsWith("amcheck OK");
            }
        }
    }

    /** The example placement as a planned one, starting at {@code start}: its clock's deadline (config/clocks.yaml). */
    private static String planned(String template, Instant start) {
        String planned = template.replace("\"code\": \"emergency\"", "\"code\": \"planned\"")
                .replace("\"display\": \"Emergency placement\"", "\"display\": \"Planned placement\"")
                .replace("\"start\": \"2026-11-19T17:00:00+00:00\"", "\"start\": \"" + start + "\"");
        assertThat(planned).as("the example placement, planned").contains("\"planned\"").contains(start.toString());
        return planned;
    }

    private static long breachedOf(Connection db, List<String> messageIds) throws Exception {
        return ReliabilityRun.count(db, """
                select count(*) from record_clock c join intake_record r using (tracking_id)
                where r.message_id = any (?) and c.breached_at is not null""", messageIds.toArray(String[]::new));
    }

    private static Instant databaseNow(Connection db) throws Exception {
        try (PreparedStatement statement = db.prepareStatement("select now()"); ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** Whether every breached clock of {@code messageIds}' records has its alert at the duty partner. */
    private static boolean alertsDelivered(Connection db, ReliabilityRun run, List<String> messageIds) throws Exception {
        Set<String> atDutyPartner = ReliabilityRun.stored(run.partners().inbox("cs-norfolk").orElseThrow());
        try (PreparedStatement statement = db.prepareStatement("""
                select c.tracking_id from record_clock c join intake_record r using (tracking_id)
                where r.message_id = any (?) and c.breached_at is not null""")) {
            statement.setArray(1, db.createArrayOf("text", messageIds.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    if (!atDutyPartner.contains(DutyPartnerAlert.messageId(rs.getObject(1, UUID.class)))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * The clock-breach alerts of the run's records: clocks breached, those alerted exactly once (one alert record, one
     * copy to the duty partner, delivered, one file in its inbox), and alerts beyond one per breach anywhere.
     */
    record Alerts(int breached, int alerted, int duplicateAlerts) {
        @Override
        public String toString() {
            return breached + " clocks breached, " + alerted + " alerted once, " + duplicateAlerts + " duplicate alerts";
        }
    }

    private static Alerts alerts(Connection db, ReliabilityRun run) throws Exception {
        Set<String> accepted = Set.copyOf(run.accepted());
        DemoInbox duty = run.partners().inbox("cs-norfolk").orElseThrow();
        Map<String, Integer> files = new HashMap<>();
        try (var list = Files.list(duty.dir())) {
            list.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("clock-breach-") && f.endsWith(".p7m"))
                    .forEach(f -> files.merge(f.substring(0, f.indexOf('.')), 1, Integer::sum));
        }
        int breached = 0;
        int alerted = 0;
        int duplicateAlerts = 0;
        try (PreparedStatement statement = db.prepareStatement("""
                select r.message_id, c.tracking_id,
                       (select count(*) from audit_entry e where e.kind = 'CLOCK_BREACHED' and e.tracking_id = c.tracking_id::text),
                       (select count(*) from intake_record a where a.message_id = 'clock-breach-' || c.tracking_id),
                       (select count(*) from delivery d join intake_record a using (tracking_id)
                        where a.message_id = 'clock-breach-' || c.tracking_id and d.recipient = 'cs-norfolk' and d.state = 'DELIVERED')
                from record_clock c join intake_record r using (tracking_id) where c.breached_at is not null""");
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                if (!accepted.contains(rs.getString(1))) {
                    continue;
                }
                breached++;
                String alert = DutyPartnerAlert.messageId(rs.getObject(2, UUID.class));
                int entries = rs.getInt(3);
                int records = rs.getInt(4);
                int delivered = rs.getInt(5);
                int inInbox = files.getOrDefault(alert, 0);
                if (entries == 1 && records == 1 && delivered == 1 && inInbox == 1) {
                    alerted++;
                }
                duplicateAlerts += Math.max(0, entries - 1) + Math.max(0, records - 1) + Math.max(0, delivered - 1) + Math.max(0, inInbox - 1);
            }
        }
        return new Alerts(breached, alerted, duplicateAlerts);
    }
}
