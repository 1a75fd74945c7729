package org.carebridge.gateway.audit;

import org.carebridge.ledger.Checkpoint;
import org.carebridge.ledger.LedgerEntry;
import org.carebridge.ledger.LedgerHashes;
import org.carebridge.ledger.MerkleFrontier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Chains audit facts into the ledger. One writer at a time (a PostgreSQL advisory lock, so several gateway nodes can run
 * it), many facts per transaction: appends are serialised without every record waiting for its own ledger commit.
 * Every {@code checkpoint-every} entries, or {@code checkpoint-interval}, it signs a checkpoint over the Merkle tree.
 */
@Component
public class LedgerWriter {

    private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);
    private static final long LOCK = 0x4361726542726964L; // "CareBrid"

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final CheckpointSigner signer;
    private final int batchSize;
    private final long checkpointEvery;

    public LedgerWriter(JdbcTemplate jdbc, TransactionTemplate transaction, CheckpointSigner signer,
                        @Value("${carebridge.audit.batch:500}") int batchSize,
                        @Value("${carebridge.audit.checkpoint-every:1000}") long checkpointEvery) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.signer = signer;
        this.batchSize = batchSize;
        this.checkpointEvery = checkpointEvery;
    }

    public void chainPending() {
        // The ledger-chain timer's usual case is an empty outbox: one autocommit query then, not a locked transaction
        // and the two checkpoint counts (five round trips, five times a second, on a gateway with no load).
        if (!Boolean.TRUE.equals(jdbc.queryForObject("select exists (select 1 from audit_outbox)", Boolean.class))) {
            return;
        }
        int chained;
        int total = 0;
        do {
            chained = chainBatch();
            total += chained;
        } while (chained == batchSize); // keep going while the outbox is full
        if (total > 0 && treeSize() - lastCheckpoint() >= checkpointEvery) {
            checkpoint();
        }
    }

    public void checkpointIfGrown() {
        chainPending();
        if (treeSize() > lastCheckpoint()) {
            checkpoint();
        }
    }

    /** @return how many facts were chained */
    public int chainBatch() {
        Integer chained = transaction.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, LOCK))) {
                return 0;
            }
            List<Object[]> facts = jdbc.query("""
                    select id, entry_time, kind, actor, actor_role, tracking_id, agreement_id, agreement_version, lawful_basis,
                           recipient, outcome, reason, subject_keys
                    from audit_outbox order by id limit ?""", (rs, i) -> new Object[]{
                    rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), (Integer) rs.getObject(8), rs.getString(9), rs.getString(10),
                    rs.getString(11), rs.getString(12), List.of((String[]) rs.getArray(13).getArray())}, batchSize);
            if (facts.isEmpty()) {
                return 0;
            }
            List<Object[]> head = jdbc.query("select seq, entry_hash, entry_time from audit_entry order by seq desc limit 1",
                    (rs, i) -> new Object[]{rs.getLong(1), rs.getString(2), Instant.parse(rs.getString(3))});
            long seq = head.isEmpty() ? 0 : (Long) head.get(0)[0];
            String previous = head.isEmpty() ? LedgerHashes.GENESIS : (String) head.get(0)[1];
            Instant previousTime = head.isEmpty() ? Instant.EPOCH : (Instant) head.get(0)[2];
            List<LedgerEntry> entries = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (Object[] f : facts) {
                // Facts committed in another order than they were stamped (concurrent transactions) would put time
                // backwards by microseconds: an entry is never earlier than the one before it.
                Instant time = ((Instant) f[1]).isBefore(previousTime) ? previousTime : (Instant) f[1];
                previousTime = time;
                @SuppressWarnings("unchecked")
                LedgerEntry entry = LedgerEntry.seal(new LedgerEntry(++seq, time.toString(), (String) f[2],
                        (String) f[3], (String) f[4], (String) f[5], (String) f[6], (Integer) f[7], (String) f[8],
                        (String) f[9], (String) f[10], (String) f[11], (List<String>) f[12]), previous);
                previous = entry.hash();
                entries.add(entry);
                ids.add((Long) f[0]);
            }
            jdbc.batchUpdate("""
                    insert into audit_entry (seq, entry_time, kind, actor, actor_role, tracking_id, agreement_id, agreement_version,
                                             lawful_basis, recipient, outcome, reason, subject_keys, prev_hash, leaf_hash, entry_hash)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", entries, entries.size(), (ps, e) -> {
                ps.setLong(1, e.seq());
                ps.setString(2, e.time());
                ps.setString(3, e.kind());
                ps.setString(4, e.actor());
                ps.setString(5, e.actorRole());
                ps.setString(6, e.trackingId());
                ps.setString(7, e.agreementId());
                ps.setObject(8, e.agreementVersion());
                ps.setString(9, e.lawfulBasis());
                ps.setString(10, e.recipient());
                ps.setString(11, e.outcome());
                ps.setString(12, e.reason());
                ps.setArray(13, ps.getConnection().createArrayOf("text", e.subjectKeys().toArray()));
                ps.setString(14, e.prevHash());
                ps.setString(15, HexFormat.of().formatHex(e.leafHash()));
                ps.setString(16, e.hash());
            });
            jdbc.update("delete from audit_outbox where id = any (?)", (Object) ids.toArray(Long[]::new));
            return facts.size();
        });
        return chained == null ? 0 : chained;
    }

    /**
     * Signs a checkpoint over the whole ledger as it stands. It starts from the Merkle frontier stored with the last
     * checkpoint, so it reads only the leaves chained since.
     */
    public Checkpoint checkpoint() {
        return transaction.execute(status -> {
            jdbc.queryForObject("select pg_advisory_xact_lock(?)", Object.class, LOCK);
            MerkleFrontier frontier = lastFrontier();
            long from = frontier.size();
            jdbc.query("select leaf_hash from audit_entry where seq > ? order by seq",
                    rs -> {
                        frontier.append(HexFormat.of().parseHex(rs.getString(1)));
                    }, from);
            if (frontier.size() == 0) {
                return null;
            }
            String lastHash = jdbc.queryForObject("select entry_hash from audit_entry where seq = ?", String.class, frontier.size());
            Checkpoint checkpoint = signer.sign(frontier.size(), frontier.rootHex(), lastHash, Instant.now().toString());
            if (jdbc.update("insert into audit_checkpoint (tree_size, document, created_at) values (?, ?, ?) on conflict do nothing",
                    checkpoint.treeSize(), checkpoint.toJson(), Timestamp.from(Instant.now())) == 1) {
                jdbc.update("insert into audit_checkpoint_frontier (tree_size, frontier) values (?, ?)",
                        checkpoint.treeSize(), frontier.toText());
            }
            return checkpoint;
        });
    }

    /** The frontier stored with the latest checkpoint, if it still gives that checkpoint's root; else the empty one. */
    private MerkleFrontier lastFrontier() {
        List<String[]> last = jdbc.query("""
                select f.frontier, c.document from audit_checkpoint_frontier f join audit_checkpoint c using (tree_size)
                order by f.tree_size desc limit 1""", (rs, i) -> new String[]{rs.getString(1), rs.getString(2)});
        if (last.isEmpty()) {
            return MerkleFrontier.empty();
        }
        try {
            MerkleFrontier frontier = MerkleFrontier.fromText(last.get(0)[0]);
            Checkpoint signed = Checkpoint.fromJson(last.get(0)[1]);
            if (frontier.size() == signed.treeSize() && frontier.rootHex().equals(signed.rootHash())) {
                return frontier;
            }
        } catch (IllegalArgumentException e) {
            // unreadable: recompute below
        }
        log.warn("The Merkle frontier stored with the last checkpoint does not match it; recomputing from every entry");
        return MerkleFrontier.empty();
    }

    private long treeSize() {
        Long size = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_entry", Long.class);
        return size == null ? 0 : size;
    }

    private long lastCheckpoint() {
        Long size = jdbc.queryForObject("select coalesce(max(tree_size), 0) from audit_checkpoint", Long.class);
        return size == null ? 0 : size;
    }
}
