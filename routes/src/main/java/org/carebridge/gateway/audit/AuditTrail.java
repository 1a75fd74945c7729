package org.carebridge.gateway.audit;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
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

    /**
     * A data-modifying statement (an {@code insert}, {@code update} or {@code delete}, which may end in {@code returning})
     * and its arguments, run as a {@code with} clause of the statement that records facts ({@link #recordAllAfter}).
     */
    public record Change(String sql, List<Object> args) {

        public Change {
            args = java.util.Collections.unmodifiableList(new ArrayList<>(args));
        }

        /**
         * An instant as the text a {@code timestamptz[]} argument takes: to the microsecond, rounded as the JDBC driver
         * rounds a {@link java.sql.Timestamp}, so a time stored this way equals one bound as a timestamp elsewhere.
         */
        public static String time(java.time.Instant instant) {
            return instant == null ? null : instant.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString();
        }

        /**
         * Rows whose first value is a tracking id, as the arguments of an {@code unnest}: the tracking ids as one
         * {@code uuid[]}, then each further column as text (timestamps as {@link #time}), for the statement to cast.
         */
        public static List<Object> columns(List<Object[]> rows, int width) {
            int n = rows.size();
            java.util.UUID[] trackingIds = new java.util.UUID[n];
            String[][] columns = new String[width - 1][n];
            for (int i = 0; i < n; i++) {
                Object[] row = rows.get(i);
                trackingIds[i] = (java.util.UUID) row[0];
                for (int c = 1; c < row.length; c++) {
                    columns[c - 1][i] = row[c] == null ? null
                            : row[c] instanceof java.sql.Timestamp t ? time(t.toInstant()) : row[c].toString();
                }
            }
            List<Object> args = new ArrayList<>(width);
            args.add(trackingIds);
            args.addAll(List.of((Object[]) columns));
            return args;
        }
    }

    /**
     * Runs these changes and records these facts in one statement, one round trip however many there are: each change
     * a {@code with} clause ({@code change0}, {@code change1}, ...), then the facts, bound as one array per column and
     * inserted in the order given, which is their order in the ledger. PostgreSQL runs every clause to completion, with
     * one snapshot, even though the insert reads nothing from it; all in the caller's transaction. The statement's text
     * depends only on the changes' text, so it is prepared once however many facts it carries.
     */
    public void recordAllAfter(List<Change> changes, List<AuditFact> facts) {
        if (changes.isEmpty() && facts.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>();
        jdbc.update(statement(changes, facts, null, args), args.toArray());
    }

    /**
     * As {@link #recordAllAfter(List, List)}, recording a fact only where {@code onlyWhere} holds: a condition on the
     * fact's columns as {@code f.tracking_id}, {@code f.kind}, ... and on what the changes returned, such as
     * {@code f.tracking_id in (select tracking_id::text from change0)}.
     *
     * @return the tracking ids of the facts recorded, in their order
     */
    public List<String> recordAllAfter(List<Change> changes, List<AuditFact> facts, String onlyWhere) {
        List<Object> args = new ArrayList<>();
        return jdbc.queryForList(statement(changes, facts, onlyWhere, args) + "\nreturning tracking_id", String.class, args.toArray());
    }

    private static String statement(List<Change> changes, List<AuditFact> facts, String onlyWhere, List<Object> args) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < changes.size(); i++) {
            sql.append(i == 0 ? "with " : ",\n").append("change").append(i).append(" as (").append(changes.get(i).sql()).append(')');
            args.addAll(changes.get(i).args());
        }
        sql.append('\n').append(INSERT_ALL);
        if (onlyWhere != null) {
            sql.append("\nwhere ").append(onlyWhere);
        }
        sql.append("\norder by f.ord");
        int n = facts.size();
        String[] kind = new String[n], actor = new String[n], actorRole = new String[n], trackingId = new String[n],
                agreementId = new String[n], lawfulBasis = new String[n], recipient = new String[n], outcome = new String[n],
                reason = new String[n], subjectKeys = new String[n];
        Integer[] agreementVersion = new Integer[n];
        for (int i = 0; i < n; i++) {
            AuditFact f = facts.get(i);
            kind[i] = f.kind().name();
            actor[i] = LedgerFields.bounded(f.actor());
            actorRole[i] = LedgerFields.bounded(f.actorRole());
            trackingId[i] = LedgerFields.bounded(f.trackingId());
            agreementId[i] = LedgerFields.bounded(f.agreementId());
            agreementVersion[i] = f.agreementVersion();
            lawfulBasis[i] = LedgerFields.bounded(f.lawfulBasis());
            recipient[i] = LedgerFields.bounded(f.recipient());
            outcome[i] = LedgerFields.bounded(f.outcome());
            reason[i] = LedgerFields.bounded(f.reason());
            subjectKeys[i] = joined(f.subjectKeys());
        }
        args.addAll(List.<Object>of(kind, actor, actorRole, trackingId, agreementId, agreementVersion, lawfulBasis, recipient, outcome,
                reason, subjectKeys));
        return sql.toString();
    }

    /** A fact's subject keys as one text ({@code string_to_array} splits it again); keys are hex, never with a comma. */
    private static String joined(List<String> keys) {
        for (String key : keys) {
            if (key.isEmpty() || key.indexOf(',') >= 0) {
                throw new IllegalArgumentException("a subject key is a non-empty hex string");
            }
        }
        return String.join(",", keys);
    }

    private static final String INSERT_ALL = """
            insert into audit_outbox (entry_time, kind, actor, actor_role, tracking_id, agreement_id, agreement_version,
                                      lawful_basis, recipient, outcome, reason, subject_keys)
            select clock_timestamp(), f.kind, f.actor, f.actor_role, f.tracking_id, f.agreement_id, f.agreement_version,
                   f.lawful_basis, f.recipient, f.outcome, f.reason,
                   case when f.subject_keys = '' then '{}'::text[] else string_to_array(f.subject_keys, ',') end
            from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::integer[], ?::text[], ?::text[], ?::text[],
                        ?::text[], ?::text[])
                 with ordinality as f (kind, actor, actor_role, tracking_id, agreement_id, agreement_version, lawful_basis,
                                       recipient, outcome, reason, subject_keys, ord)""";

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
