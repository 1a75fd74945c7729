package org.carebridge.gateway.ig;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Read access to the ledger and decisions for the IG API. */
@Component
class IgQueries {

    /** Ledger entries one AuditEvent each. */
    static final List<String> EVENT_KINDS = List.of("DECIDED", "DENIED", "OVERRIDDEN", "DISCLOSED");

    private final JdbcTemplate jdbc;

    IgQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record LedgerEvent(long seq, Instant time, String kind, String actor, String actorRole, String trackingId,
                       String agreementId, Integer agreementVersion, String lawfulBasis, String recipient, String outcome,
                       String reason, String sender, String ruleId) {
    }

    record ReportRow(String trackingId, String event, Instant receivedAt, String recipient, String outcome, String reason,
                     String agreementId, Integer agreementVersion, String lawfulBasis, String consentRef, String explanation,
                     String overrideAssertedBy, String overrideRole, String overrideStatus, Instant disclosedAt) {
    }

    record OverrideRow(UUID id, String trackingId, String recipient, String assertedBy, String assertedRole, String reason,
                       String status, Instant createdAt, String reviewedBy, Instant reviewedAt, String reviewNote) {
    }

    /** The search criteria of {@code GET /ig/AuditEvent}; null means any. */
    record EventCriteria(String subjectKey, Instant from, Instant before, String agent, String trackingId, List<String> kinds,
                         int limit) {
    }

    List<LedgerEvent> events(EventCriteria criteria) {
        StringBuilder sql = new StringBuilder("""
                select a.seq, a.entry_time, a.kind, a.actor, a.actor_role, a.tracking_id,
                       coalesce(a.agreement_id, d.agreement_id), coalesce(a.agreement_version, d.agreement_version),
                       coalesce(a.lawful_basis, d.lawful_basis), a.recipient, a.outcome, a.reason, r.sender, d.rule_id
                from audit_entry a
                left join intake_record r on r.tracking_id::text = a.tracking_id
                left join decision d on d.tracking_id::text = a.tracking_id and d.recipient = a.recipient
                where a.kind = any (?)""");
        List<Object> args = new ArrayList<>();
        args.add(criteria.kinds().toArray(String[]::new));
        if (criteria.subjectKey() != null) {
            sql.append(" and a.tracking_id in (select s.tracking_id from audit_entry s where s.kind = 'RECEIVED' and s.subject_keys @> array[?]::text[])");
            args.add(criteria.subjectKey());
        }
        if (criteria.from() != null) {
            sql.append(" and a.entry_time::timestamptz >= ?");
            args.add(Timestamp.from(criteria.from()));
        }
        if (criteria.before() != null) {
            sql.append(" and a.entry_time::timestamptz < ?");
            args.add(Timestamp.from(criteria.before()));
        }
        if (criteria.agent() != null) {
            sql.append(" and (a.actor = ? or a.recipient = ? or r.sender = ?)");
            args.add(criteria.agent());
            args.add(criteria.agent());
            args.add(criteria.agent());
        }
        if (criteria.trackingId() != null) {
            sql.append(" and a.tracking_id = ?");
            args.add(criteria.trackingId());
        }
        sql.append(" order by a.seq limit ?");
        args.add(criteria.limit());
        return jdbc.query(sql.toString(), (rs, i) -> new LedgerEvent(rs.getLong(1), Instant.parse(rs.getString(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), (Integer) rs.getObject(8), rs.getString(9),
                rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14)), args.toArray());
    }

    /** Every decision about the records whose RECEIVED entry carries the subject key, with its disclosure and override. */
    List<ReportRow> report(String subjectKey) {
        return jdbc.query("""
                select r.tracking_id, r.event, r.received_at, d.recipient, d.outcome, d.reason, d.agreement_id, d.agreement_version,
                       d.lawful_basis, d.consent_ref, d.explanation, o.asserted_by, o.asserted_role, o.status,
                       (select min(x.entry_time::timestamptz) from audit_entry x
                        where x.kind = 'DISCLOSED' and x.tracking_id = d.tracking_id::text and x.recipient = d.recipient)
                from intake_record r
                join decision d on d.tracking_id = r.tracking_id
                left join override_review o on o.decision_id = d.decision_id
                where r.tracking_id::text in (select s.tracking_id from audit_entry s
                                              where s.kind = 'RECEIVED' and s.subject_keys @> array[?]::text[])
                order by r.received_at, r.tracking_id, d.recipient""", (rs, i) -> new ReportRow(rs.getString(1), rs.getString(2),
                instant(rs, 3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), (Integer) rs.getObject(8),
                rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14),
                instant(rs, 15)), subjectKey);
    }

    List<OverrideRow> overrides(String status) {
        return jdbc.query("""
                select override_id, tracking_id, recipient, asserted_by, asserted_role, reason, status, created_at,
                       reviewed_by, reviewed_at, review_note
                from override_review where (?::text is null or status = ?) order by created_at""",
                (rs, i) -> new OverrideRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), instant(rs, 8), rs.getString(9), instant(rs, 10),
                        rs.getString(11)), status, status);
    }

    /** The subject keys each record's RECEIVED entry carries, by tracking id. */
    Map<String, List<String>> subjectKeys(Collection<String> trackingIds) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        if (trackingIds.isEmpty()) {
            return keys;
        }
        jdbc.query("select tracking_id, subject_keys from audit_entry where kind = 'RECEIVED' and tracking_id = any (?)",
                rs -> {
                    keys.put(rs.getString(1), List.of((String[]) rs.getArray(2).getArray()));
                }, (Object) trackingIds.toArray(String[]::new));
        return keys;
    }

    long maxSeq() {
        Long max = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_entry", Long.class);
        return max == null ? 0 : max;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
