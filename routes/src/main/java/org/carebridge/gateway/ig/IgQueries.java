package org.carebridge.gateway.ig;

import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.record.OverrideAssertions;
import org.carebridge.security.decision.SafeguardingOverride;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Read access to the ledger and decisions, for the IG API and any page over IG data. */
@Component
public class IgQueries {

    /** Every ledger kind is an AuditEvent. */
    public static final List<String> EVENT_KINDS = Arrays.stream(AuditKind.values()).map(Enum::name).toList();

    /** How a refusal's reason names the partner the refused message claimed to come from. */
    static final String CLAIMED_SOURCE = "; claimed source ";

    /** Shown for an override's assertion or note once its record is erased. */
    public static final String ERASED = "(erased with the record)";

    private final JdbcTemplate jdbc;
    private final OverrideAssertions assertions;

    public IgQueries(JdbcTemplate jdbc, OverrideAssertions assertions) {
        this.jdbc = jdbc;
        this.assertions = assertions;
    }

    public record LedgerEvent(long seq, Instant time, String kind, String actor, String actorRole, String trackingId,
                       String agreementId, Integer agreementVersion, String lawfulBasis, String recipient, String outcome,
                       String reason, String sender, String ruleId) {
    }

    public record ReportRow(String trackingId, String event, Instant receivedAt, String recipient, String outcome, String reason,
                     String agreementId, Integer agreementVersion, String lawfulBasis, String consentRef, String explanation,
                     String overrideAssertedBy, String overrideRole, String overrideStatus, Instant disclosedAt) {
    }

    /** @param withdrawalTrackingId the copy-withdrawal record a not-agreed override was followed by, once stored */
    public record OverrideRow(UUID id, String trackingId, String recipient, String assertedBy, String assertedRole, String reason,
                       String status, Instant createdAt, String reviewedBy, Instant reviewedAt, String reviewNote, String event,
                       String withdrawalTrackingId) {
    }

    /**
     * The search criteria of {@code GET /ig/AuditEvent}; null means any.
     *
     * @param newestFirst ledger order, newest first (the default), or oldest first
     */
    public record EventCriteria(String subjectKey, Instant from, Instant before, String agent, String trackingId, List<String> kinds,
                         boolean newestFirst, int offset, int limit) {
    }

    /** One page of matches, and how many match in all. */
    public record EventPage(List<LedgerEvent> events, long total) {
    }

    public EventPage events(EventCriteria criteria) {
        StringBuilder where = new StringBuilder("""
                from audit_entry a
                left join intake_record r on r.tracking_id::text = a.tracking_id
                where a.kind = any (?)""");
        List<Object> args = new ArrayList<>();
        args.add(criteria.kinds().toArray(String[]::new));
        if (criteria.subjectKey() != null) {
            where.append(" and (a.subject_keys @> array[?]::text[] or a.tracking_id in (select s.tracking_id from audit_entry s"
                    + " where s.kind = 'RECEIVED' and s.subject_keys @> array[?]::text[]))");
            args.add(criteria.subjectKey());
            args.add(criteria.subjectKey());
        }
        if (criteria.from() != null) {
            where.append(" and a.entry_time::timestamptz >= ?");
            args.add(Timestamp.from(criteria.from()));
        }
        if (criteria.before() != null) {
            where.append(" and a.entry_time::timestamptz < ?");
            args.add(Timestamp.from(criteria.before()));
        }
        if (criteria.agent() != null) {
            where.append(" and (a.actor = ? or a.recipient = ? or r.sender = ? or (a.kind = 'REFUSED' and a.reason like ?))");
            args.add(criteria.agent());
            args.add(criteria.agent());
            args.add(criteria.agent());
            args.add("%" + CLAIMED_SOURCE + criteria.agent());
        }
        if (criteria.trackingId() != null) {
            where.append(" and a.tracking_id = ?");
            args.add(criteria.trackingId());
        }
        Long total = jdbc.queryForObject("select count(*) " + where, Long.class, args.toArray());
        String direction = criteria.newestFirst() ? "desc" : "asc";
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(criteria.limit());
        pageArgs.add(criteria.offset());
        List<LedgerEvent> events = jdbc.query("""
                select a.seq, a.entry_time, a.kind, a.actor, a.actor_role, a.tracking_id,
                       coalesce(a.agreement_id, d.agreement_id), coalesce(a.agreement_version, d.agreement_version),
                       coalesce(a.lawful_basis, d.lawful_basis), a.recipient, a.outcome, a.reason, r.sender, d.rule_id
                """ + where.toString().replace("where a.kind", """
                left join lateral (select x.agreement_id, x.agreement_version, x.lawful_basis, x.rule_id from decision x
                                   where x.tracking_id::text = a.tracking_id and x.recipient = a.recipient limit 1) d on true
                where a.kind""") + " order by a.entry_time::timestamptz " + direction + ", a.seq " + direction + " limit ? offset ?",
                (rs, i) -> new LedgerEvent(rs.getLong(1), Instant.parse(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), (Integer) rs.getObject(8), rs.getString(9),
                        rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14)), pageArgs.toArray());
        return new EventPage(events, total == null ? 0 : total);
    }

    /** Every decision about the records whose RECEIVED entry carries the subject key, with its disclosure and override. */
    public List<ReportRow> report(String subjectKey) {
        return jdbc.query("""
                select r.tracking_id, r.event, r.received_at, d.recipient, d.outcome, d.reason, d.agreement_id, d.agreement_version,
                       d.lawful_basis, d.consent_ref, d.explanation, o.asserted_by, o.asserted_role, o.status,
                       (select min(x.entry_time::timestamptz) from audit_entry x
                        where x.kind = 'DISCLOSED' and x.tracking_id = d.tracking_id::text and x.recipient = d.recipient),
                       o.override_id, o.sealed_assertion
                from intake_record r
                join decision d on d.tracking_id = r.tracking_id
                left join override_review o on o.decision_id = d.decision_id
                where r.tracking_id::text in (select s.tracking_id from audit_entry s
                                              where s.kind = 'RECEIVED' and s.subject_keys @> array[?]::text[])
                order by r.received_at, r.tracking_id, d.recipient""", (rs, i) -> {
            String assertedBy = rs.getString(12);
            String role = rs.getString(13);
            UUID overrideId = rs.getObject(16, UUID.class);
            if (overrideId != null && assertedBy == null) {
                Optional<SafeguardingOverride> opened = assertions.open(rs.getObject(1, UUID.class), overrideId, rs.getBytes(17));
                assertedBy = opened.map(SafeguardingOverride::assertedBy).orElse(ERASED);
                role = opened.map(SafeguardingOverride::role).orElse(ERASED);
            }
            return new ReportRow(rs.getString(1), rs.getString(2), instant(rs, 3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), (Integer) rs.getObject(8), rs.getString(9), rs.getString(10),
                    rs.getString(11), assertedBy, role, rs.getString(14), instant(rs, 15));
        }, subjectKey);
    }

    public List<OverrideRow> overrides(String status) {
        return jdbc.query("""
                select o.override_id, o.tracking_id, o.recipient, o.asserted_by, o.asserted_role, o.reason, o.status, o.created_at,
                       o.reviewed_by, o.reviewed_at, o.review_note, o.sealed_assertion, o.sealed_note, r.event, o.withdrawal_tracking_id
                from override_review o join intake_record r using (tracking_id)
                where (?::text is null or o.status = ?) order by o.created_at""",
                (rs, i) -> {
                    UUID id = rs.getObject(1, UUID.class);
                    UUID trackingId = rs.getObject(2, UUID.class);
                    String assertedBy = rs.getString(4);
                    String role = rs.getString(5);
                    String reason = rs.getString(6);
                    if (assertedBy == null) {
                        Optional<SafeguardingOverride> opened = assertions.open(trackingId, id, rs.getBytes(12));
                        assertedBy = opened.map(SafeguardingOverride::assertedBy).orElse(ERASED);
                        role = opened.map(SafeguardingOverride::role).orElse(ERASED);
                        reason = opened.map(SafeguardingOverride::reason).orElse(ERASED);
                    }
                    String note = rs.getString(11);
                    byte[] sealedNote = rs.getBytes(13);
                    if (note == null && sealedNote != null) {
                        note = assertions.openNote(trackingId, id, sealedNote).orElse(ERASED);
                    }
                    return new OverrideRow(id, trackingId.toString(), rs.getString(3), assertedBy, role, reason, rs.getString(7),
                            instant(rs, 8), rs.getString(9), instant(rs, 10), note, rs.getString(14), rs.getString(15));
                }, status, status);
    }

    /** The subject keys each record's RECEIVED entry carries, by tracking id. */
    public Map<String, List<String>> subjectKeys(Collection<String> trackingIds) {
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

    public long maxSeq() {
        Long max = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_entry", Long.class);
        return max == null ? 0 : max;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
