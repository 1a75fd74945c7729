package org.carebridge.gateway.report;

import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.decision.IncomingMessage;
import org.carebridge.gateway.record.RecordMonitoring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The monitoring facts table. {@link #record} runs inside the record's own transaction (called by RecordStore), so a
 * record and its facts are stored together or not at all.
 */
@Component
public class MonitoringFacts implements RecordMonitoring {

    private static final Logger log = LoggerFactory.getLogger(MonitoringFacts.class);

    private final JdbcTemplate jdbc;
    private final MonitoringFactExtractor extractor = new MonitoringFactExtractor();

    public MonitoringFacts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void record(UUID trackingId, IncomingMessage message) {
        insert(rows(trackingId, message));
    }

    /** As {@link #record} for each, in one batch. */
    @Override
    public void recordAll(Map<UUID, IncomingMessage> messages) {
        List<Object[]> rows = new ArrayList<>();
        messages.forEach((trackingId, message) -> rows.addAll(rows(trackingId, message)));
        insert(rows);
    }

    /** As {@link #recordAll}, one insert whatever the number of facts, a column per array. */
    @Override
    public List<AuditTrail.Change> recording(Map<UUID, IncomingMessage> messages) {
        List<Object[]> rows = new ArrayList<>();
        messages.forEach((trackingId, message) -> rows.addAll(rows(trackingId, message)));
        List<Object> args = AuditTrail.Change.columns(rows, 10);
        return List.of(new AuditTrail.Change("""
                insert into monitoring_fact (tracking_id, month, measure, area, placing_authority, childrens_home, age_band,
                                             sex, ethnic_group, recorded_at)
                select * from unnest(?::uuid[], ?::date[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::text[], ?::timestamptz[])""", args));
    }

    private List<Object[]> rows(UUID trackingId, IncomingMessage message) {
        List<MonitoringFact> facts;
        try {
            facts = extractor.extract(message.event(), message.bundle(), message.receivedAt());
        } catch (RuntimeException e) {
            // Monitoring must never cost a child's record its delivery; logged without any of its content.
            log.warn("No monitoring facts read from record {} ({})", trackingId, e.getClass().getSimpleName());
            return List.of();
        }
        Timestamp now = Timestamp.from(message.receivedAt());
        return facts.stream().map(f -> new Object[]{trackingId, Date.valueOf(f.month().atDay(1)), f.measure().code(), f.area(),
                f.placingAuthority(), f.childrensHome(), f.ageBand(), f.sex(), f.ethnicGroup(), now}).toList();
    }

    private void insert(List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                insert into monitoring_fact (tracking_id, month, measure, area, placing_authority, childrens_home, age_band,
                                             sex, ethnic_group, recorded_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    /** Every fact of the months from {@code first} to {@code last}, inclusive. */
    public List<MonitoringFact> between(YearMonth first, YearMonth last) {
        return jdbc.query("""
                        select month, measure, area, placing_authority, childrens_home, age_band, sex, ethnic_group
                        from monitoring_fact where month >= ? and month <= ?""",
                (rs, n) -> new MonitoringFact(YearMonth.from(rs.getDate("month").toLocalDate()),
                        Measure.fromCode(rs.getString("measure")).orElseThrow(), rs.getString("area"),
                        rs.getString("placing_authority"), rs.getString("childrens_home"), rs.getString("age_band"),
                        rs.getString("sex"), rs.getString("ethnic_group")),
                Date.valueOf(first.atDay(1)), Date.valueOf(last.atDay(1)));
    }
}
