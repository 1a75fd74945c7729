package org.carebridge.gateway.clock;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.decision.IncomingMessage;
import org.carebridge.gateway.record.RecordDeadlines;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Record clocks in PostgreSQL. A clock starts in the transaction that stores its record and stops in the transaction
 * that marks its last outstanding copy DELIVERED; warnings and breaches are claimed with {@code for update skip locked}
 * and a conditional state change, so with several gateway nodes on one database each is raised exactly once, and a
 * restart or failover loses nothing.
 */
@Component
public class RecordClocks implements RecordDeadlines {

    private static final String OPEN = "('RUNNING', 'WARNING')";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ClockRules rules;
    private final AuditTrail audit;
    private final ClockMetrics metrics;
    private final Clock clock;

    public RecordClocks(JdbcTemplate jdbc, TransactionTemplate transaction, ClockRules rules, AuditTrail audit, ClockMetrics metrics,
                        Clock clock) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.rules = rules;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Starts the record's clock, in the caller's transaction, when a rule applies and the record has a permitted
     * recipient (with none, nobody can be late; the denials are in the ledger).
     */
    @Override
    public Optional<ClockPlan> start(UUID trackingId, IncomingMessage message, int permittedRecipients) {
        Optional<ClockPlan> plan = plan(message, permittedRecipients);
        plan.ifPresent(p -> {
            jdbc.update(INSERT_CLOCK, row(trackingId, p));
            started(p);
        });
        return plan;
    }

    /** As {@link #start} for each record, the clocks inserted in one statement. */
    @Override
    public List<Optional<? extends Started>> startAll(List<Starting> records) {
        Starts starts = starting(records);
        if (starts.started().stream().anyMatch(Optional::isPresent)) {
            starts.changes().forEach(c -> jdbc.update(c.sql(), c.args().toArray()));
        }
        return starts.started();
    }

    /** As {@link #startAll}, the clocks inserted by one change whatever their number, a column per array. */
    @Override
    public Starts starting(List<Starting> records) {
        List<Optional<? extends Started>> plans = new ArrayList<>(records.size());
        List<Object[]> rows = new ArrayList<>();
        for (Starting record : records) {
            Optional<ClockPlan> plan = plan(record.message(), record.permittedRecipients());
            plan.ifPresent(p -> {
                rows.add(row(record.trackingId(), p));
                started(p);
            });
            plans.add(plan);
        }
        List<Object> args = AuditTrail.Change.columns(rows, 9);
        return new Starts(plans, List.of(new AuditTrail.Change("""
                insert into record_clock (tracking_id, event, rule_id, start_source, started_at, deadline, warn_at, state,
                                          created_at, notify)
                select c.tracking_id, c.event, c.rule_id, c.start_source, c.started_at, c.deadline, c.warn_at, 'RUNNING',
                       c.created_at, c.notify
                from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
                            ?::timestamptz[], ?::text[])
                     as c (tracking_id, event, rule_id, start_source, started_at, deadline, warn_at, created_at, notify)""", args)));
    }

    private static final String INSERT_CLOCK = """
            insert into record_clock (tracking_id, event, rule_id, start_source, started_at, deadline, warn_at, state,
                                      created_at, notify)
            values (?, ?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?)""";

    private Optional<ClockPlan> plan(IncomingMessage message, int permittedRecipients) {
        if (permittedRecipients == 0) {
            return Optional.empty();
        }
        return rules.plan(message.event(), message.bundle(), message.receivedAt());
    }

    private Object[] row(UUID trackingId, ClockPlan p) {
        return new Object[]{trackingId, p.event(), p.ruleId(), p.startSource(), ts(p.startedAt()), ts(p.deadline()), ts(p.warnAt()),
                ts(clock.instant()), p.dutyPartner()};
    }

    private void started(ClockPlan p) {
        afterCommit(() -> metrics.started(p.event(), p.ruleId()));
        if (ClockPlan.FAIL_SAFE.equals(p.startSource())) {
            afterCommit(() -> metrics.failSafe(p.event(), p.ruleId()));
        }
    }

    /**
     * After a copy is marked DELIVERED, in the same transaction: stops the record's clock if no permitted recipient is
     * still waiting. The clock row is locked first, so of two last copies delivered at once the later transaction sees
     * the earlier one's delivery and stops the clock. A clock that stops past its deadline before any scan breached it
     * (a record that arrived late, say) is breached here too, so every missed deadline is alerted once.
     */
    @Override
    public void afterDelivered(UUID deliveryId) {
        afterDeliveredAll(List.of(deliveryId));
    }

    /**
     * {@link #afterDelivered} for many copies in one transaction: the open clocks of their records are locked first (in
     * one statement, in tracking-id order); then, in one more statement (which, begun after the locks are held, sees
     * every delivery committed before them), the clocks whose copies are all delivered are stopped, each with its ledger
     * facts.
     */
    @Override
    public void afterDeliveredAll(List<UUID> deliveryIds) {
        if (deliveryIds.isEmpty()) {
            return;
        }
        List<ClockEvent> open = jdbc.query("""
                select c.tracking_id, c.event, c.rule_id, c.started_at, c.deadline, c.notify, c.breached_at is not null
                from record_clock c
                where c.state <> 'STOPPED'
                  and c.tracking_id in (select d.tracking_id from delivery d where d.delivery_id = any (?))
                order by c.tracking_id
                for update of c""",
                (rs, i) -> new ClockEvent(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), instant(rs, 4),
                        instant(rs, 5), List.of(), rs.getString(6), rs.getBoolean(7) /* already breached */),
                (Object) deliveryIds.toArray(UUID[]::new));
        if (open.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        UUID[] trackingIds = new UUID[open.size()];
        Boolean[] breaches = new Boolean[open.size()];
        List<AuditFact> facts = new ArrayList<>();
        Map<String, Runnable> meters = new HashMap<>();
        for (int i = 0; i < open.size(); i++) {
            ClockEvent clockRow = open.get(i);
            boolean alreadyBreached = clockRow.late();
            boolean breachesNow = !alreadyBreached && now.isAfter(clockRow.deadline());
            boolean late = alreadyBreached || breachesNow;
            ClockEvent stopped = new ClockEvent(clockRow.trackingId(), clockRow.event(), clockRow.ruleId(), clockRow.startedAt(),
                    clockRow.deadline(), List.of(), clockRow.dutyPartner(), late);
            trackingIds[i] = clockRow.trackingId();
            breaches[i] = breachesNow;
            if (breachesNow) {
                facts.add(fact(now, AuditKind.CLOCK_BREACHED, stopped, "breached"));
            }
            facts.add(fact(now, AuditKind.CLOCK_STOPPED, stopped, late ? "stopped-late" : "stopped-in-time"));
            meters.put(clockRow.trackingId().toString(), () -> {
                if (breachesNow) {
                    metrics.breached(stopped.event(), stopped.ruleId());
                }
                metrics.stopped(stopped.event(), stopped.ruleId(), late);
            });
        }
        List<String> recorded = audit.recordAllAfter(List.of(new AuditTrail.Change("""
                        update record_clock c
                        set state = 'STOPPED', stopped_at = ?::timestamptz,
                            breached_at = case when s.breach then ?::timestamptz else c.breached_at end,
                            alert_due = case when s.breach then c.notify is not null else c.alert_due end
                        from unnest(?::uuid[], ?::boolean[]) as s (tracking_id, breach)
                        where c.tracking_id = s.tracking_id and c.tracking_id = any (?::uuid[]) and c.state <> 'STOPPED'
                          and not exists (select 1 from delivery d where d.tracking_id = c.tracking_id and d.state <> 'DELIVERED')
                        returning c.tracking_id""",
                        List.of(AuditTrail.Change.time(now), AuditTrail.Change.time(now), trackingIds, breaches, trackingIds))),
                facts, "f.tracking_id in (select tracking_id::text from change0)");
        // a clock's facts are recorded only when it stopped; its metrics count after the commit
        recorded.stream().distinct().map(meters::get).forEach(RecordClocks::afterCommit);
    }

    /** Claims the open clocks whose deadline has passed, marks them BREACHED and audits each, in one transaction. */
    public List<ClockEvent> breach(Instant now, int limit) {
        return claim(now, limit, AuditKind.CLOCK_BREACHED, """
                with due as (
                    select tracking_id from record_clock
                    where state in %s and deadline <= ?
                    order by deadline limit ? for update skip locked)
                update record_clock c set state = 'BREACHED', breached_at = ?, alert_due = (c.notify is not null)
                from due where c.tracking_id = due.tracking_id
                returning c.tracking_id, c.event, c.rule_id, c.started_at, c.deadline, c.notify""".formatted(OPEN),
                ts(now), limit, ts(now));
    }

    /** Claims the running clocks past their warning time (and not yet breached), marks them WARNING and audits each. */
    public List<ClockEvent> warn(Instant now, int limit) {
        return claim(now, limit, AuditKind.CLOCK_WARNING, """
                with due as (
                    select tracking_id from record_clock
                    where state = 'RUNNING' and warn_at <= ? and deadline > ?
                    order by warn_at limit ? for update skip locked)
                update record_clock c set state = 'WARNING', warned_at = ?
                from due where c.tracking_id = due.tracking_id
                returning c.tracking_id, c.event, c.rule_id, c.started_at, c.deadline, c.notify""",
                ts(now), ts(now), limit, ts(now));
    }

    private List<ClockEvent> claim(Instant now, int limit, AuditKind kind, String sql, Object... args) {
        return transaction.execute(status -> {
            List<ClockEvent> claimed = jdbc.query(sql, (rs, i) -> new ClockEvent(rs.getObject(1, UUID.class), rs.getString(2),
                    rs.getString(3), instant(rs, 4), instant(rs, 5), List.of(), rs.getString(6), false), args);
            if (claimed.isEmpty()) {
                return claimed;
            }
            Map<UUID, List<String>> outstanding = outstanding(claimed.stream().map(ClockEvent::trackingId).toList());
            List<ClockEvent> events = new ArrayList<>();
            List<AuditFact> facts = new ArrayList<>();
            for (ClockEvent c : claimed) {
                ClockEvent event = new ClockEvent(c.trackingId(), c.event(), c.ruleId(), c.startedAt(), c.deadline(),
                        outstanding.getOrDefault(c.trackingId(), List.of()), c.dutyPartner(), kind == AuditKind.CLOCK_BREACHED);
                events.add(event);
                facts.add(fact(now, kind, event, kind == AuditKind.CLOCK_BREACHED ? "breached" : "warning"));
            }
            audit.recordAll(facts);
            return events;
        });
    }

    /** Breached clocks whose duty partner has not yet been sent its alert. */
    public List<ClockEvent> alertsDue(int limit) {
        List<ClockEvent> due = jdbc.query("""
                select tracking_id, event, rule_id, started_at, deadline, notify, case when state = 'STOPPED' then stopped_at end
                from record_clock where alert_due order by breached_at limit ?""",
                (rs, i) -> new ClockEvent(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), instant(rs, 4),
                        instant(rs, 5), List.of(), rs.getString(6), true, instant(rs, 7)), limit);
        if (due.isEmpty()) {
            return due;
        }
        Map<UUID, List<String>> outstanding = outstanding(due.stream().map(ClockEvent::trackingId).toList());
        return due.stream().map(c -> new ClockEvent(c.trackingId(), c.event(), c.ruleId(), c.startedAt(), c.deadline(),
                c.deliveredAt() == null ? outstanding.getOrDefault(c.trackingId(), List.of()) : List.of(), c.dutyPartner(), true,
                c.deliveredAt())).toList();
    }

    /** @return true when this call recorded the alert (false: another node already had) */
    public boolean alertSent(UUID trackingId, UUID alertTrackingId) {
        return jdbc.update("update record_clock set alert_due = false, alert_tracking_id = ? where tracking_id = ? and alert_due",
                alertTrackingId, trackingId) == 1;
    }

    public Optional<ClockView> find(UUID trackingId) {
        List<ClockView> found = views("where c.tracking_id = ?", trackingId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * Clocks in this state (any, when null: open ones first), the nearest deadline first. BREACHED includes the clocks
     * that stopped after their deadline: a breach stays findable as one after the record is delivered late.
     */
    public List<ClockView> list(ClockState state, int limit) {
        if (state == null) {
            return views("order by c.state = 'STOPPED', c.deadline limit ?", limit);
        }
        if (state == ClockState.BREACHED) {
            return views("where c.state = 'BREACHED' or (c.state = 'STOPPED' and c.breached_at is not null) order by c.deadline limit ?", limit);
        }
        return views("where c.state = ? order by c.deadline limit ?", state.name(), limit);
    }

    /** Open clocks by event and state, for the gauge. */
    public Map<List<String>, Long> openCounts() {
        Map<List<String>, Long> counts = new HashMap<>();
        jdbc.query("select event, state, count(*) from record_clock where state in ('RUNNING', 'WARNING', 'BREACHED') group by event, state",
                rs -> {
                    counts.put(List.of(rs.getString(1), rs.getString(2)), rs.getLong(3));
                });
        return counts;
    }

    private List<ClockView> views(String where, Object... args) {
        return jdbc.query("""
                select c.tracking_id, c.event, c.rule_id, c.start_source, c.started_at, c.deadline, c.state, c.warned_at,
                       c.breached_at, c.stopped_at, c.notify, c.alert_tracking_id,
                       array(select d.recipient from delivery d where d.tracking_id = c.tracking_id and d.state <> 'DELIVERED'
                             order by d.recipient)
                from record_clock c""" + " " + where,
                (rs, i) -> new ClockView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs, 5), instant(rs, 6), rs.getString(7), instant(rs, 8), instant(rs, 9), instant(rs, 10),
                        List.of((String[]) rs.getArray(13).getArray()), rs.getString(11), rs.getObject(12, UUID.class)), args);
    }

    private Map<UUID, List<String>> outstanding(List<UUID> trackingIds) {
        Map<UUID, List<String>> outstanding = new HashMap<>();
        jdbc.query("""
                select tracking_id, recipient from delivery
                where tracking_id = any (?) and state <> 'DELIVERED' order by tracking_id, recipient""",
                rs -> {
                    outstanding.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>()).add(rs.getString(2));
                }, (Object) trackingIds.toArray(UUID[]::new));
        return outstanding;
    }

    /** Metadata only: the rule, deadline and the partners still waiting; never anything about the child. */
    private static AuditFact fact(Instant now, AuditKind kind, ClockEvent clock, String outcome) {
        String reason = clock.event() + " rule=" + clock.ruleId() + " deadline=" + clock.deadline()
                + (clock.outstanding().isEmpty() ? "" : " outstanding=" + String.join(",", clock.outstanding()));
        return new AuditFact(now, kind, "gateway", "clock", clock.trackingId().toString(), null, null, null, null, outcome, reason,
                List.of());
    }

    private static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
