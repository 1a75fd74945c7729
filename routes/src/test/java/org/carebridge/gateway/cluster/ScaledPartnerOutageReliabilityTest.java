package org.carebridge.gateway.cluster;

import org.carebridge.gateway.demo.DemoInbox;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One partner unreachable for {@code reliability.outage-hours} (6) hours of compressed time while the others keep
 * receiving. Time is compressed by configuration, not by waiting: every delay the gateway has (redelivery delays,
 * the circuit's probe interval, the sweep, the lease) is divided by {@code reliability.time-scale} (360: 6 hours pass
 * in 60 s), with the attempts and thresholds as configured by default. The others are not held back; the partner's
 * copies wait behind its open circuit; on its return it drains within the configured time; nothing is lost.
 */
@Tag("reliability")
class ScaledPartnerOutageReliabilityTest {

    private static final int RECORDS = Integer.getInteger("reliability.records", 10_000);
    private static final double HOURS = Double.parseDouble(System.getProperty("reliability.outage-hours", "6"));
    private static final double SCALE = Double.parseDouble(System.getProperty("reliability.time-scale", "360"));
    private static final String AWAY = "vs-suffolk";

    /** A production default divided by the scale, never below {@code floor} (a probe is a real TLS handshake). */
    private static String scaled(Duration real, Duration floor) {
        long millis = Math.max(floor.toMillis(), Math.round(real.toMillis() / SCALE));
        return millis + "ms";
    }

    @Test
    void aPartnerAwayForSixCompressedHoursHoldsBackNoOtherAndDrainsOnItsReturn() throws Exception {
        Duration outage = Duration.ofMillis(Math.round(HOURS * 3_600_000 / SCALE));
        Duration probeInterval = Duration.ofMillis(Math.max(250, Math.round(5000 / SCALE)));
        List<String> settings = List.of(
                "--carebridge.delivery.initial-delay=" + scaled(Duration.ofSeconds(2), Duration.ofMillis(5)),
                "--carebridge.delivery.max-delay=" + scaled(Duration.ofMinutes(5), Duration.ofMillis(50)),
                "--carebridge.delivery.max-attempts=10",
                "--carebridge.delivery.circuit.probe-interval=" + probeInterval.toMillis() + "ms",
                "--carebridge.delivery.sweep-after=" + scaled(Duration.ofMinutes(2), Duration.ofSeconds(2)),
                "--carebridge.cluster.lease=" + scaled(Duration.ofSeconds(15), Duration.ofSeconds(2)),
                "--carebridge.cluster.renew-interval=" + scaled(Duration.ofSeconds(3), Duration.ofMillis(500)),
                "--carebridge.audit.checkpoint-interval=5s");
        try (ReliabilityRun run = new ReliabilityRun(1, false, settings, i -> List.of(), 8)) {
            DemoInbox away = run.partners().inbox(AWAY).orElseThrow();
            away.setOnline(false);
            long outageStarted = System.nanoTime();
            run.burst(RECORDS, null);
            List<String> others = ReliabilityRun.RECIPIENTS.stream().filter(r -> !r.equals(AWAY)).toList();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> others.stream().allMatch(r -> run.heldBy(r) == run.accepted().size()));
            Duration othersDone = Duration.ofNanos(System.nanoTime() - outageStarted);
            Duration left = outage.minus(othersDone);
            if (!left.isNegative()) {
                // the rest of the outage: the partner still has nothing, whatever the gateway tries
                await().pollDelay(left).atMost(left.plusMinutes(1)).until(() -> away.posts() > 0 && run.heldBy(AWAY) == 0);
            }
            int triedWhileAway = away.posts();
            long deadLettered;
            try (Connection db = run.db()) {
                deadLettered = ReliabilityRun.count(db, "select count(*) from delivery where recipient = '" + AWAY
                        + "' and state = 'DEAD_LETTERED'", null);
            }
            away.setOnline(true);
            long back = System.nanoTime();
            run.awaitDelivered(Duration.ofMinutes(10));
            Duration drained = Duration.ofNanos(System.nanoTime() - back);
            int lost = run.lost();
            ReliabilityRun.report("scaled-partner-outage", "tried " + run.tried() + ", accepted " + run.accepted().size() + "; "
                    + AWAY + " away for " + HOURS + " h compressed to " + Math.max(outage.toSeconds(), othersDone.toSeconds())
                    + " s (scale " + SCALE + "); the other partners had every copy " + othersDone.toSeconds()
                    + " s into the outage; posts to the absent partner while away " + triedWhileAway + ", dead-lettered "
                    + deadLettered + "; drained " + drained.toSeconds() + " s after its return (probe interval "
                    + probeInterval.toMillis() + " ms); lost " + lost + " copies, duplicated " + run.storedTwice());

            assertThat(run.accepted()).hasSize(RECORDS);
            assertThat(deadLettered).as("copies dead-lettered while the circuit held them").isZero();
            assertThat(lost).as("accepted copies lost").isZero();
            assertThat(run.storedTwice()).as("copies stored twice").isZero();
        }
    }
}
