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
            int perPhase = Math.max(1, RECORDS / (KILLS + 1));
            int sent = 0;
            for (int phase = 0; phase <= KILLS && sent < RECORDS; phase++) {
                int count = phase == KILLS ? RECORDS - sent : Math.min(perPhase, RECORDS - sent);
                sent += count;
                run.burst(count, phase == KILLS ? null : () -> {
                    run.node(0).kill();
                    run.node(0).start();
                });
            }
            run.awaitDelivered(Duration.ofMinutes(10));
            run.assertStoredOnceDeliveredAndClocksStopped();
            run.awaitLedgerSettled(Duration.ofMinutes(2));
            String verified = run.verifyLedgerOffline(run.node(0));
            int lost = run.lost();
            int storedTwice = run.storedTwice();
            ReliabilityRun.report("single-node-kill", "tried " + run.tried() + ", accepted " + run.accepted().size() + " ("
                    + run.retried() + " sends retried), kills " + KILLS + ", survived "
                    + (run.accepted().size() - lost / ReliabilityRun.RECIPIENTS.size()) + ", lost " + lost
                    + " copies, duplicated " + storedTwice + ", re-sent " + run.resent() + "; ledger: " + verified + "; "
                    + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");

            assertThat(run.accepted()).hasSize(RECORDS);
            assertThat(lost).as("accepted copies lost").isZero();
            assertThat(storedTwice).as("copies stored twice").isZero();
            assertThat(verified).startsWith("OK");
        }
    }
}
