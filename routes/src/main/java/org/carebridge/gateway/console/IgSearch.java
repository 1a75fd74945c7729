package org.carebridge.gateway.console;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decisions and disclosures for the console's IG search, one row per decision with its delivery, newest first, a page
 * at a time. A subject is found by the keyed hash its records' RECEIVED entries carry, as in the IG API.
 */
@Component
class IgSearch {

    /** Null means any. {@code outcome}: PERMIT, DENY, PERMIT_BY_OVERRIDE, or DISCLOSED (permitted and delivered). */
    public record Criteria(String subjectKey, String partner, String agreement, String event, String outcome, Instant from, Instant before) {
    }

    public record Row(String trackingId, String event, String sender, Instant receivedAt, String recipient, String outcome,
               String agreementId, Integer agreementVersion, String ruleId, String deliveryState, Instant deliveredAt) {
    }

    public record Page(List<Row> rows, long total, int offset, int limit) {
        public boolean hasNext() {
            return offset + rows.size() < total;
        }

        public boolean hasPrevious() {
            return offset > 0;
        }
    }

    private final JdbcTemplate jdbc;

    IgSearch(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Page search(Criteria criteria, int offset, int limit) {
        StringBuilder where = new StringBuilder(" where true");
        List<Object> args = new ArrayList<>();
        if (criteria.subjectKey() != null) {
            where.append(" and r.tracking_id::text in (select s.tracking_id from audit_entry s where s.kind = 'RECEIVED' and s.subject_keys @> array[?]::text[])");
            args.add(criteria.subjectKey());
        }
        if (criteria.partner() != null) {
            where.append(" and (d.recipient = ? or r.sender = ?)");
            args.add(criteria.partner());
            args.add(criteria.partner());
        }
        if (criteria.agreement() != null) {
            where.append(" and d.agreement_id = ?");
            args.add(criteria.agreement());
        }
        if (criteria.event() != null) {
            where.append(" and r.event = ?");
            args.add(criteria.event());
        }
        if ("DISCLOSED".equals(criteria.outcome())) {
            where.append(" and dl.state = 'DELIVERED'");
        } else if (criteria.outcome() != null) {
            where.append(" and d.outcome = ?");
            args.add(criteria.outcome());
        }
        if (criteria.from() != null) {
            where.append(" and r.received_at >= ?");
            args.add(Timestamp.from(criteria.from()));
        }
        if (criteria.before() != null) {
            where.append(" and r.received_at < ?");
            args.add(Timestamp.from(criteria.before()));
        }
        String from = " from decision d join intake_record r on r.tracking_id = d.tracking_id"
                + " left join delivery dl on dl.decision_id = d.decision_id";
        Long total = jdbc.queryForObject("select count(*)" + from + where, Long.class, args.toArray());
        List<Object> paged = new ArrayList<>(args);
        paged.add(limit);
        paged.add(offset);
        List<Row> rows = jdbc.query("""
                select r.tracking_id::text, r.event, r.sender, r.received_at, d.recipient, d.outcome, d.agreement_id,
                       d.agreement_version, d.rule_id, dl.state, dl.delivered_at""" + from + where
                        + " order by r.received_at desc, r.tracking_id, d.recipient limit ? offset ?",
                (rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5),
                        rs.getString(6), rs.getString(7), (Integer) rs.getObject(8), rs.getString(9), rs.getString(10),
                        rs.getTimestamp(11) == null ? null : rs.getTimestamp(11).toInstant()), paged.toArray());
        return new Page(rows, total == null ? 0 : total, offset, limit);
    }
}
