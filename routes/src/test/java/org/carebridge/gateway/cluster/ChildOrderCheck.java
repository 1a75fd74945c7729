package org.carebridge.gateway.cluster;

import org.carebridge.gateway.support.GatewayProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;

/**
 * Per-child order across nodes and a broker failover, for the multi-node runs. Every record these runs send is about the
 * same child, so a partner registered with {@code delivery-order: per-child} must receive the copies in acceptance
 * order: a record whose 202 came back before another was first sent must arrive there before it. Records sent at the
 * same time have no order between them.
 */
final class ChildOrderCheck {

    /** One of the runs' recipients, made per-child for the run. */
    static final String PARTNER = "health-norfolk";

    private ChildOrderCheck() {
    }

    /**
     * Registers {@link #PARTNER} as needing per-child order, as an administrator's change on another node would (a new
     * version of its registry entry), and waits until every live node has applied it.
     */
    static void requirePerChildOrder(ReliabilityRun run) throws Exception {
        try (Connection db = run.db(); PreparedStatement update = db.prepareStatement("""
                update registered_partner set document = rtrim(document, E'\\n') || E'\\ndelivery-order: per-child\\n',
                       version = nextval('registered_partner_version'), updated_at = now(), updated_by = 'child-order-check'
                where partner_id = ?""")) {
            update.setString(1, PARTNER);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException(PARTNER + " is not in the registry");
            }
        }
        String applied = "Partner " + PARTNER + " updated here after a change on another node";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> run.nodes().stream().filter(GatewayProcess::isAlive).allMatch(n -> logged(n.logFile(), applied)));
        run.partners().inbox(PARTNER).orElseThrow().noteArrivals();
    }

    /** Starts noting the partner's arrivals afresh, for the next burst. */
    static void noteArrivals(ReliabilityRun run) {
        run.partners().inbox(PARTNER).orElseThrow().noteArrivals();
    }

    /**
     * Copies of {@code records} that reached {@link #PARTNER} before a record accepted before they were sent: 0 when
     * per-child order held.
     */
    static int outOfOrder(ReliabilityRun run, Set<String> records) {
        Map<String, long[]> times = run.sendTimes();
        List<String> arrived = run.partners().inbox(PARTNER).orElseThrow().arrivals().stream().filter(records::contains).toList();
        int out = 0;
        long earliestAcceptedLater = Long.MAX_VALUE;
        // from the last arrival back: a copy is out of order when one arriving after it was accepted before it was sent
        for (int i = arrived.size() - 1; i >= 0; i--) {
            long[] sentAndAccepted = times.get(arrived.get(i));
            if (earliestAcceptedLater < sentAndAccepted[0]) {
                out++;
            }
            earliestAcceptedLater = Math.min(earliestAcceptedLater, sentAndAccepted[1]);
        }
        return out;
    }

    /** Copies of {@code records} to {@link #PARTNER} stored without a message group (the setting was not in force). */
    static long withoutGroup(ReliabilityRun run, Set<String> records) throws Exception {
        try (Connection db = run.db(); PreparedStatement query = db.prepareStatement("""
                select count(*) from delivery d join intake_record r using (tracking_id)
                where r.message_id = any (?) and d.recipient = ? and d.child_key is null""")) {
            query.setArray(1, db.createArrayOf("text", records.toArray(String[]::new)));
            query.setString(2, PARTNER);
            try (var rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The accepted records not in {@code before}: a burst's own. */
    static Set<String> since(ReliabilityRun run, Set<String> before) {
        Set<String> burst = new HashSet<>(run.accepted());
        burst.removeAll(before);
        return burst;
    }

    private static boolean logged(Path log, String line) {
        try {
            return Files.exists(log) && Files.readString(log).contains(line);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
