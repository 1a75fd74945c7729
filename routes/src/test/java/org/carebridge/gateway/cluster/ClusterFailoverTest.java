package org.carebridge.gateway.cluster;

import org.carebridge.gateway.support.ArtemisBrokerProcess;
import org.carebridge.gateway.support.GatewayProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The short multi-node run that is part of {@code ./mvnw verify}: the topology of docker/compose.yaml started once (a
 * standalone PostgreSQL, an Artemis primary with its replicating backup, two gateway nodes), then two small bursts.
 * In the first the node leading the singleton jobs is killed with SIGKILL halfway: no accepted record is lost or stored
 * twice, the lead moves to the survivor, and the ledger verifies offline. In the second the broker primary is killed
 * halfway: the backup takes over, no accepted record is lost, and a partner that needs per-child order (made so by a
 * registry change at the start) receives the copies in acceptance order. Throughout, node-1's clock is two minutes ahead:
 * the ledger stays in time order and no clock is breached twice. The full sizes are behind -Preliability.
 */
class ClusterFailoverTest {

    private static final int BURST = Integer.getInteger("cluster.burst", 40);
    /** node-1's clock is this far ahead of node-0's and the database's. */
    private static final Duration SKEW = Duration.ofMinutes(2);

    @Test
    void killingTheLeadingNodeAndThenTheBrokerPrimaryLosesNoAcceptedRecord() throws Exception {
        long started = System.nanoTime();
        try (ReliabilityRun run = new ReliabilityRun(2, true, List.of(
                "--carebridge.cluster.lease=6s",
                "--carebridge.cluster.renew-interval=1s",
                "--carebridge.audit.checkpoint-interval=3s",
                "--carebridge.delivery.sweep-after=10s",
                "--carebridge.delivery.sweep-interval=5s"),
                i -> i == 1 ? List.of("--carebridge.cluster.clock-offset=" + SKEW) : List.of(), 8)) {
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
            run.awaitDelivered(Duration.ofMinutes(2));
            int nodeKillLost = run.lost();
            int nodeKillTwice = run.storedTwice();
            int nodeKillResent = run.resent();
            int nodeKillAccepted = run.accepted().size();
            int nodeKillRetried = run.retried();

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
            run.assertStoredOnceDeliveredAndClocksStopped();
            run.awaitLedgerSettled(Duration.ofMinutes(1));
            String ledger = run.verifyLedgerOffline(survivor);
            int outOfOrder = run.ledgerEntriesEarlierThanTheOneBefore();
            int breachedTwice = run.clocksBreachedMoreThanOnce();

            ReliabilityRun.report("cluster-failover", "node kill: tried " + BURST + ", accepted " + nodeKillAccepted
                    + " (" + nodeKillRetried + " sends retried on the other node), lost " + nodeKillLost + " copies, duplicated "
                    + nodeKillTwice + ", re-sent " + nodeKillResent + ", lead moved " + leadMoved.toMillis() + " ms after the kill (lease 6 s)"
                    + "; broker kill: tried " + BURST + ", accepted " + (run.accepted().size() - nodeKillAccepted)
                    + ", lost " + (run.lost() - nodeKillLost) + " copies, duplicated " + (run.storedTwice() - nodeKillTwice)
                    + ", re-sent " + (run.resent() - nodeKillResent) + ", " + ChildOrderCheck.PARTNER + " (per-child) copies out of order "
                    + childOrderBroken + " (without a group " + ungrouped + ")" + "; node-1's clock " + SKEW.toMinutes()
                    + " min ahead: ledger entries earlier than the one before " + outOfOrder + ", clocks breached twice "
                    + breachedTwice + "; ledger: " + ledger
                    + "; topology up in " + Duration.ofNanos(topologyUp - started).toSeconds() + " s, whole run "
                    + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");

            assertThat(run.accepted()).hasSize(2 * BURST);
            assertThat(nodeKillLost).as("copies lost to the node kill").isZero();
            assertThat(run.lost()).as("copies lost").isZero();
            assertThat(run.storedTwice()).as("copies stored twice").isZero();
            assertThat(ungrouped).as("per-child copies without a message group").isZero();
            assertThat(childOrderBroken).as("per-child copies out of acceptance order across the broker failover").isZero();
            assertThat(ledger).startsWith("OK");
            assertThat(outOfOrder).as("ledger entries earlier than the one before them").isZero();
            assertThat(breachedTwice).as("clocks breached more than once").isZero();
        }
    }
}
