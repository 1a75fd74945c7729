package org.carebridge.gateway.cluster;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The only gateway node, on a standalone Artemis broker and PostgreSQL, killed with SIGKILL {@code reliability.kills}
 * times while {@code reliability.records} records are sent, each kill with requests in flight and restarted at once;
 * the senders keep trying until it is back. Nothing accepted is lost or stored twice, and the ledger verifies offline.
 */
@Tag("reliability")
class SingleNodeKillReliabilityTest {

    private static final int RECORDS = Integer.getInteger("reliability.records", 10_000);
    private static final int KILLS = Integer.getInteger("reliability.kills", 5);

    @Test
    void killingTheOnlyNodeRepeatedlyLosesNoAcceptedRecordAndDeliversNoneTwice() throws Exception {
        long started = System.nanoTime();
        try (ReliabilityRun run = new ReliabilityRun(1, false, List.of(
                "--carebridge.audit.checkpoint-interval=5s"), i -> List.of(), 8)) {
            run.burstsWithKills(RECORDS, KILLS, i -> () -> {
                run.node(0).kill();
                run.node(0).start();
            }, null);
            ReliabilityRun.Outcome outcome = run.settle(Duration.ofMinutes(10), run.node(0));
            ReliabilityRun.report("single-node-kill", "tried " + run.tried() + ", accepted " + run.accepted().size() + " ("
                    + run.retried() + " sends retried), kills " + KILLS + ", survived "
                    + outcome.survived(run.accepted().size()) + ", lost " + outcome.lost()
                    + " copies, duplicated " + outcome.storedTwice() + ", re-sent " + outcome.resent() + "; ledger: " + outcome.ledger() + "; "
                    + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");

            assertThat(run.accepted()).hasSize(RECORDS);
            assertThat(outcome.lost()).as("accepted copies lost").isZero();
            assertThat(outcome.storedTwice()).as("copies stored twice").isZero();
            assertThat(outcome.ledger()).startsWith("OK");
        }
    }
}
