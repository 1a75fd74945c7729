package org.carebridge.gateway.cluster;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two identical gateway nodes on a standalone Artemis broker and a standalone PostgreSQL; one node is killed with
 * SIGKILL {@code reliability.kills} times while {@code reliability.records} placement notifications are sent, each kill
 * with requests in flight, and restarted after. A sender whose request fails tries the other node with the same
 * message id. Then: every accepted record is delivered to each of its recipients and stored there once, its clock
 * stopped on delivery, and the ledger exported from the gateway verifies offline.
 */
@Tag("reliability")
class NodeKillReliabilityTest {

    private static final int RECORDS = Integer.getInteger("reliability.records", 10_000);
    private static final int KILLS = Integer.getInteger("reliability.kills", 5);

    @Test
    void killingOneOfTwoNodesRepeatedlyLosesNoAcceptedRecordAndDeliversNoneTwice() throws Exception {
        long started = System.nanoTime();
        try (ReliabilityRun run = new ReliabilityRun(2, false, List.of(
                "--carebridge.cluster.lease=6s",
                "--carebridge.cluster.renew-interval=1s",
                "--carebridge.audit.checkpoint-interval=5s"), i -> List.of(), 8)) {
            // each kill with requests in flight, the node restarted once the burst is answered, alternately
            run.burstsWithKills(RECORDS, KILLS, i -> run.node(i % 2)::kill, i -> run.node(i % 2)::start);
            ReliabilityRun.Outcome outcome = run.settle(Duration.ofMinutes(10), run.node(0));
            ReliabilityRun.report("node-kill", "tried " + run.tried() + ", accepted " + run.accepted().size() + " ("
                    + run.retried() + " sends retried on the other node), kills " + KILLS + ", survived "
                    + outcome.survived(run.accepted().size()) + ", lost " + outcome.lost()
                    + " copies, duplicated " + outcome.storedTwice() + " (stored twice by a partner), re-sent " + outcome.resent()
                    + " (discarded by the partner by message id); ledger: " + outcome.ledger() + "; "
                    + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");

            assertThat(run.accepted()).hasSize(RECORDS);
            assertThat(outcome.lost()).as("accepted copies lost").isZero();
            assertThat(outcome.storedTwice()).as("copies stored twice").isZero();
            assertThat(outcome.ledger()).startsWith("OK");
        }
    }
}
