package org.carebridge.gateway.audit;

import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.ledger.Checkpoint;
import org.carebridge.ledger.LedgerEntry;
import org.carebridge.ledger.LedgerHashes;
import org.carebridge.ledger.MerkleFrontier;
import org.carebridge.ledger.MerkleTree;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fast the ledger takes appends: the in-memory cost of chaining and Merkle hashing, and the ledger writer's batched
 * chaining on the real embedded PostgreSQL, alone and while producers keep recording facts. Prints entries per second.
 * Not part of the normal build: {@code ./mvnw -pl routes -am -Pbench verify -Dbench.entries=20000 -Dbench.producers=8}.
 */
@Tag("bench")
class LedgerBenchmarkTest extends GatewayTest {

    /** Facts per record in the concurrent run: RECEIVED, four decisions, three disclosures (the placement walkthrough). */
    private static final int FACTS_PER_RECORD = 8;

    @Autowired
    AuditTrail audit;

    @Autowired
    LedgerWriter writer;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void ledgerAppends() throws Exception {
        int entries = Integer.getInteger("bench.entries", 20000);
        int producers = Integer.getInteger("bench.producers", 8);

        for (int i = 0; i < 3; i++) {
            inMemory(entries); // warm-up: let the JIT compile the hashing and encoding
        }
        List<double[]> rounds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rounds.add(inMemory(entries));
        }
        rounds.sort(Comparator.comparingDouble(r -> r[0]));
        double[] memory = rounds.get(1); // the median round

        // 1. the writer alone: a full outbox chained in batches (after a warm-up batch)
        recordFacts(2000, 500);
        chainAll();
        long before = maxSeq();
        // one transaction, so nothing can be chained before the clock starts
        transaction.executeWithoutResult(status -> {
            for (int done = 0; done < entries; done += 500) {
                audit.recordAll(facts(Math.min(500, entries - done)));
            }
        });
        long t0 = System.nanoTime();
        chainAll();
        double chainSeconds = seconds(t0);
        assertThat(maxSeq() - before).isGreaterThanOrEqualTo(entries);

        // 2. producers recording a record's facts per transaction while the writer chains
        long startSeq = maxSeq();
        int records = entries / FACTS_PER_RECORD;
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        long t1 = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            work.add(pool.submit(() -> {
                while (next.getAndIncrement() < records) {
                    transaction.executeWithoutResult(status -> audit.recordAll(facts(FACTS_PER_RECORD)));
                }
            }));
        }
        while (work.stream().anyMatch(f -> !f.isDone())) {
            writer.chainBatch();
        }
        for (Future<?> f : work) {
            f.get();
        }
        double produceSeconds = seconds(t1);
        chainAll();
        double endToEndSeconds = seconds(t1);
        pool.shutdown();
        long concurrentEntries = maxSeq() - startSeq;
        assertThat(concurrentEntries).isGreaterThanOrEqualTo((long) records * FACTS_PER_RECORD);

        // 3. a checkpoint from the stored frontier (reads 1000 new leaves, signs, commits), against reading and
        //    hashing every leaf (what a checkpoint did before, without signing or committing); medians of 5
        writer.checkpoint();
        double[] frontierMillis = new double[5];
        double[] fullMillis = new double[5];
        Checkpoint checkpoint = null;
        for (int i = 0; i < 5; i++) {
            recordFacts(1000, 500);
            chainAll();
            long t2 = System.nanoTime();
            checkpoint = writer.checkpoint();
            frontierMillis[i] = seconds(t2) * 1000;
            long t3 = System.nanoTime();
            List<byte[]> leaves = jdbc.query("select leaf_hash from audit_entry where seq <= ? order by seq",
                    (rs, n) -> HexFormat.of().parseHex(rs.getString(1)), checkpoint.treeSize());
            String fullRoot = MerkleTree.rootHex(leaves);
            fullMillis[i] = seconds(t3) * 1000;
            assertThat(fullRoot).isEqualTo(checkpoint.rootHash());
        }
        Arrays.sort(frontierMillis);
        Arrays.sort(fullMillis);

        String report = String.format(Locale.ROOT, """
                Ledger append benchmark (%d entries, %d producers, batch %s)
                  in memory: seal (hash chain) + Merkle frontier   %,12.0f entries/s  (median of 3, after 3 warm-up rounds)
                  in memory: full Merkle tree hash of %d leaves    %,12.1f ms
                  PostgreSQL: writer alone, chaining a full outbox %,12.0f entries/s  (%.2f s)
                  PostgreSQL: %d producers recording %d facts/tx     %,12.0f entries/s recorded
                              chained meanwhile, end to end         %,12.0f entries/s  (%.2f s, %d entries)
                  checkpoint at %d entries (median of 5): from the frontier, 1000 new leaves, signed and committed %.1f ms;
                              reading and hashing every leaf alone                  %.1f ms
                """, entries, producers, System.getProperty("carebridge.audit.batch", "500"), memory[0], entries, memory[1],
                entries / chainSeconds, chainSeconds, producers, FACTS_PER_RECORD, concurrentEntries / produceSeconds,
                concurrentEntries / endToEndSeconds, endToEndSeconds, concurrentEntries, checkpoint.treeSize(), frontierMillis[2],
                fullMillis[2]);
        System.out.println(report);
        Files.writeString(Path.of("target", "ledger-bench-report.txt"), report);
    }

    /** @return {entries per second sealed and added to the frontier, ms for one full Merkle tree hash} */
    private static double[] inMemory(int n) {
        List<String> subjects = List.of(LedgerHashes.hex(LedgerHashes.sha256(new byte[]{1})));
        String time = Instant.now().toString();
        String previous = LedgerHashes.GENESIS;
        MerkleFrontier frontier = MerkleFrontier.empty();
        List<byte[]> leaves = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int seq = 1; seq <= n; seq++) {
            LedgerEntry entry = LedgerEntry.seal(new LedgerEntry(seq, time, "DECIDED", "gateway", "decision",
                    "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "placement-notification", 1, "UK GDPR 6(1)(e)", "cs-norfolk",
                    "PERMIT", "rule-1", subjects), previous);
            previous = entry.hash();
            byte[] leaf = entry.leafHash();
            frontier.append(leaf);
            leaves.add(leaf);
        }
        double perSecond = n / seconds(t0);
        long t1 = System.nanoTime();
        assertThat(MerkleTree.rootHex(leaves)).isEqualTo(frontier.rootHex());
        return new double[]{perSecond, seconds(t1) * 1000};
    }

    private void recordFacts(int n, int perTransaction) {
        for (int done = 0; done < n; done += perTransaction) {
            int size = Math.min(perTransaction, n - done);
            transaction.executeWithoutResult(status -> audit.recordAll(facts(size)));
        }
    }

    private static List<AuditFact> facts(int n) {
        String trackingId = UUID.randomUUID().toString();
        String subject = LedgerHashes.hex(LedgerHashes.sha256(new byte[]{(byte) ThreadLocalRandom.current().nextInt()}));
        List<AuditFact> facts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            facts.add(AuditFact.of(AuditKind.DECIDED, "gateway", "decision").tracking(trackingId)
                    .agreement("placement-notification", 1, "UK GDPR 6(1)(e)").recipient("cs-norfolk")
                    .outcome("PERMIT", "rule-" + i).subjects(List.of(subject)));
        }
        return facts;
    }

    /** Chains until the outbox is empty (the scheduled writer may take some batches: they count as well). */
    private long chainAll() {
        long before = maxSeq();
        while (jdbc.queryForObject("select count(*) from audit_outbox", Long.class) > 0) {
            writer.chainBatch();
        }
        return maxSeq() - before;
    }

    private long maxSeq() {
        return jdbc.queryForObject("select coalesce(max(seq), 0) from audit_entry", Long.class);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
