package org.carebridge.gateway.audit;

import org.carebridge.ledger.Checkpoint;
import org.carebridge.ledger.LedgerEntry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/** The ledger as JSON Lines, and its checkpoints, for the offline verifier (format: ledger/README.md). */
@Component
public class LedgerExport {

    private final JdbcTemplate jdbc;

    public LedgerExport(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Entries {@code from..to} (inclusive) as export lines; a verifiable export starts at 1. */
    public void writeEntries(Writer out, long from, long to) {
        jdbc.query("""
                select seq, entry_time, kind, actor, actor_role, tracking_id, agreement_id, agreement_version, lawful_basis,
                       recipient, outcome, reason, subject_keys, prev_hash, entry_hash
                from audit_entry where seq between ? and ? order by seq""", rs -> {
            LedgerEntry entry = new LedgerEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), (Integer) rs.getObject(8), rs.getString(9), rs.getString(10),
                    rs.getString(11), rs.getString(12), List.of((String[]) rs.getArray(13).getArray()), rs.getString(14), rs.getString(15));
            try {
                out.write(entry.toExportLine());
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, from, to);
    }

    public List<Checkpoint> checkpoints(long upTo) {
        return jdbc.query("select document from audit_checkpoint where tree_size <= ? order by tree_size",
                (rs, i) -> Checkpoint.fromJson(rs.getString(1)), upTo);
    }
}
