package org.carebridge.gateway.cluster;

import org.carebridge.gateway.support.ArtemisBrokerProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Artemis primary and its replicating backup (docker/broker.xml and docker/broker-backup.xml), two gateway nodes
 * connected to the pair with {@code ha=true}; the primary is killed with SIGKILL halfway through
 * {@code reliability.records} records. The backup takes over, the gateways fail over to it, and every accepted record
 * is still delivered to each recipient and stored there once; {@code health-norfolk}, made to need per-child order
 * before the run, receives every copy in acceptance order.
 */
@Tag("reliability")
class BrokerKillReliabilityTest {

    private static final int RECORDS = Integer.getInteger("reliability.records", 10_000);

    @Test
    void killingTheBrokerPrimaryLosesNoAcceptedRecord() throws Exception {
        try (ReliabilityRun run = new ReliabilityRun(2, true, List.of(
                "--carebridge.cluster.lease=6s",
                "--carebridge.cluster.renew-interval=1s",
                "--carebridge.audit.checkpoint-interval=5s",
                "--carebridge.delivery.sweep-after=10s",
                "--carebridge.delivery.sweep-interval=5s"), i -> List.of(), 8)) {
            List<ArtemisBrokerProcess> brokers = run.brokers();
            ChildOrderCheck.requirePerChildOrder(run);
            long[] killedAt = new long[1];
            run.burst(RECORDS, () -> {
                brokers.get(0).kill();
                killedAt[0] = System.nanoTime();
                brokers.get(1).awaitLive(Duration.ofSeconds(120));
            });
            Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt[0]);
            run.awaitDelivered(Duration.ofMinutes(10));
            run.assertStoredOnceDeliveredAndClocksStopped();
            int lost = run.lost();
            int childOrderBroken = ChildOrderCheck.outOfOrder(run, run.accepted());
            long ungrouped = ChildOrderCheck.withoutGroup(run, run.accepted());
            ReliabilityRun.report("broker-kill", "tried " + run.tried() + ", accepted " + run.accepted().size() + " ("
                    + run.retried() + " sends retried), primary killed once, all records sent " + takeover.toSeconds()
                    + " s after the kill, lost " + lost + " copies, duplicated " + run.storedTwice() + ", re-sent "
                    + run.resent() + " (discarded by the partner by message id), " + ChildOrderCheck.PARTNER
                    + " (per-child) copies out of order " + childOrderBroken + " (without a group " + ungrouped + ")");

            assertThat(run.accepted()).hasSize(RECORDS);
            assertThat(lost).as("accepted copies lost").isZero();
            assertThat(run.storedTwice()).as("copies stored twice").isZero();
            assertThat(ungrouped).as("per-child copies without a message group").isZero();
            assertThat(childOrderBroken).as("per-child copies out of acceptance order across the broker failover").isZero();
        }
    }
}
