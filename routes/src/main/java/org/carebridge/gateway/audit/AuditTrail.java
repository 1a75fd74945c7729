package org.carebridge.gateway.audit;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.util.List;

/**
 * Records audit facts. A fact is written in the same database transaction as what it describes (when there is one),
 * so a record and its audit entries commit or vanish together; the ledger writer then chains them.
 */
@Component
public class AuditTrail {

    private final JdbcTemplate jdbc;

    public AuditTrail(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void record(AuditFact fact) {
        recordAll(List.of(fact));
    }

    public void recordAll(List<AuditFact> facts) {
        if (facts.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                insert into audit_outbox (entry_time, kind, actor, actor_role, tracking_id, agreement_id, agreement_version,
                                          lawful_basis, recipient, outcome, reason, subject_keys)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", facts, facts.size(), (ps, f) -> {
            ps.setTimestamp(1, Timestamp.from(f.time()));
            ps.setString(2, f.kind().name());
            ps.setString(3, LedgerFields.bounded(f.actor()));
            ps.setString(4, LedgerFields.bounded(f.actorRole()));
            ps.setString(5, LedgerFields.bounded(f.trackingId()));
            ps.setString(6, LedgerFields.bounded(f.agreementId()));
            ps.setObject(7, f.agreementVersion());
            ps.setString(8, LedgerFields.bounded(f.lawfulBasis()));
            ps.setString(9, LedgerFields.bounded(f.recipient()));
            ps.setString(10, LedgerFields.bounded(f.outcome()));
            ps.setString(11, LedgerFields.bounded(f.reason()));
            ps.setArray(12, ps.getConnection().createArrayOf("text", f.subjectKeys().toArray()));
        });
    }
}
