package org.carebridge.gateway.audit;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.PreparedStatement;
import java.sql.SQLException;
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
        jdbc.batchUpdate(INSERT, facts, facts.size(), (ps, f) -> bind(ps, 1, f));
    }

    /**
     * Runs a data-modifying statement and records the fact it is audited by in one statement, one round trip: the
     * change as a {@code with} clause, then the insert. PostgreSQL runs the clause to completion even though the insert
     * reads nothing from it; both are in the caller's transaction.
     */
    public void recordWith(String change, List<Object> changeArgs, AuditFact fact) {
        recordAllWith(change, List.of(changeArgs), List.of(fact));
    }

    /** As {@link #recordWith}, for many changes of the same form, each with its fact, sent as one batch. */
    public void recordAllWith(String change, List<List<Object>> changeArgs, List<AuditFact> facts) {
        if (changeArgs.size() != facts.size()) {
            throw new IllegalArgumentException("one fact per change");
        }
        if (facts.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("with change as (" + change + ")\n" + INSERT, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int row) throws SQLException {
                List<Object> args = changeArgs.get(row);
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                bind(ps, args.size() + 1, facts.get(row));
            }

            @Override
            public int getBatchSize() {
                return facts.size();
            }
        });
    }

    // A fact's time is the database's clock, the one clock every node shares: a node whose clock is off cannot put
    // its entries out of order in the ledger.
    private static final String INSERT = """
            insert into audit_outbox (entry_time, kind, actor, actor_role, tracking_id, agreement_id, agreement_version,
                                      lawful_basis, recipient, outcome, reason, subject_keys)
            values (clock_timestamp(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static void bind(PreparedStatement ps, int first, AuditFact f) throws SQLException {
        int i = first;
        ps.setString(i++, f.kind().name());
        ps.setString(i++, LedgerFields.bounded(f.actor()));
        ps.setString(i++, LedgerFields.bounded(f.actorRole()));
        ps.setString(i++, LedgerFields.bounded(f.trackingId()));
        ps.setString(i++, LedgerFields.bounded(f.agreementId()));
        ps.setObject(i++, f.agreementVersion());
        ps.setString(i++, LedgerFields.bounded(f.lawfulBasis()));
        ps.setString(i++, LedgerFields.bounded(f.recipient()));
        ps.setString(i++, LedgerFields.bounded(f.outcome()));
        ps.setString(i++, LedgerFields.bounded(f.reason()));
        ps.setArray(i, ps.getConnection().createArrayOf("text", f.subjectKeys().toArray()));
    }
}
