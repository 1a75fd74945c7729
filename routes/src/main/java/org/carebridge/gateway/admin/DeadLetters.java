package org.carebridge.gateway.admin;

import jakarta.jms.ConnectionFactory;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.delivery.DeliveryDispatcher;
import org.carebridge.gateway.record.DeliveryOrder;
import org.carebridge.gateway.record.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Copies whose every attempt failed, and sending them again. A re-delivered copy is put back on its partner's queue
 * as it was stored: the same delivery route seals it afresh for its recipient and sends it with the same message id,
 * so a receiver that already had it de-duplicates. Each copy sent again is a REDELIVERED ledger entry naming who asked.
 */
@Component
public class DeadLetters {

    /** Everything matching a filter, at most this many at once. */
    public static final int MAX_BULK = 10_000;

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    public record DeadLetter(UUID deliveryId, UUID trackingId, String partner, String event, int attempts, String reason,
                             Instant deadLetteredAt, Instant receivedAt) {
    }

    public record Page(List<DeadLetter> items, long total, int offset, int limit) {
        public boolean hasNext() {
            return offset + items.size() < total;
        }

        public boolean hasPrevious() {
            return offset > 0;
        }
    }

    /** What a re-delivery did: the action it is recorded under and the copies put back, by partner. */
    public record Redelivery(UUID actionId, int requested, int redelivered, Map<String, Integer> byPartner) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final AuditTrail audit;
    private final ConsoleActions actions;
    private final DeliveryDispatcher dispatcher;
    private final JmsTemplate deadLetterQueues;

    public DeadLetters(JdbcTemplate jdbc, TransactionTemplate transaction, AuditTrail audit, ConsoleActions actions,
                       DeliveryDispatcher dispatcher, ConnectionFactory connectionFactory) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.audit = audit;
        this.actions = actions;
        this.dispatcher = dispatcher;
        this.deadLetterQueues = new JmsTemplate(connectionFactory);
        this.deadLetterQueues.setReceiveTimeout(200);
    }

    public Page find(DeadLetterFilter filter, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        Long total = jdbc.queryForObject("select count(*) from delivery d join intake_record r on r.tracking_id = d.tracking_id " + where,
                Long.class, args.toArray());
        args.add(limit);
        args.add(offset);
        List<DeadLetter> items = jdbc.query("""
                select d.delivery_id, d.tracking_id, d.recipient, r.event, d.attempts, d.last_error, d.updated_at, r.received_at
                from delivery d join intake_record r on r.tracking_id = d.tracking_id
                """ + where + " order by d.updated_at desc, d.delivery_id limit ? offset ?",
                (rs, i) -> new DeadLetter(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant()),
                args.toArray());
        return new Page(items, total == null ? 0 : total, offset, limit);
    }

    /** Those of the given copies that are dead-lettered now. */
    public List<DeadLetter> chosen(Collection<UUID> deliveryIds) {
        if (deliveryIds.isEmpty() || deliveryIds.size() > MAX_BULK) {
            return List.of();
        }
        return jdbc.query("""
                select d.delivery_id, d.tracking_id, d.recipient, r.event, d.attempts, d.last_error, d.updated_at, r.received_at
                from delivery d join intake_record r on r.tracking_id = d.tracking_id
                where d.state = 'DEAD_LETTERED' and d.delivery_id = any (?) order by d.updated_at desc""",
                (rs, i) -> new DeadLetter(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant()),
                (Object) deliveryIds.toArray(UUID[]::new));
    }

    public long count(DeadLetterFilter filter) {
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        Long total = jdbc.queryForObject("select count(*) from delivery d join intake_record r on r.tracking_id = d.tracking_id " + where,
                Long.class, args.toArray());
        return total == null ? 0 : total;
    }

    /** Sends the chosen dead letters again; copies no longer dead-lettered (already re-sent by someone) are skipped. */
    public Redelivery redeliver(Collection<UUID> deliveryIds, Actor actor, String reason) {
        if (deliveryIds.isEmpty()) {
            throw new Refused("deliveryIds", "Select at least one copy to send again");
        }
        if (deliveryIds.size() > MAX_BULK) {
            throw new Refused("deliveryIds", "Send at most " + MAX_BULK + " copies at once");
        }
        String why = Reasons.check(reason);
        List<UUID> ids = List.copyOf(new java.util.LinkedHashSet<>(deliveryIds));
        return requeue(ids, actor, why, "copies=" + ids.size());
    }

    /** Sends again every dead letter the filter matches (at most {@value #MAX_BULK}). */
    public Redelivery redeliverMatching(DeadLetterFilter filter, Actor actor, String reason) {
        String why = Reasons.check(reason);
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        args.add(MAX_BULK);
        List<UUID> ids = jdbc.query("select d.delivery_id from delivery d join intake_record r on r.tracking_id = d.tracking_id "
                + where + " order by d.updated_at limit ?", (rs, i) -> rs.getObject(1, UUID.class), args.toArray());
        if (ids.isEmpty()) {
            throw new Refused("filter", "No dead letters match the filter: nothing was sent");
        }
        return requeue(ids, actor, why, "matching " + filter.describe() + " copies=" + ids.size());
    }

    private Redelivery requeue(List<UUID> ids, Actor actor, String reason, String summary) {
        record Requeued(UUID actionId, List<DeliveryOrder> orders) {
        }
        Requeued done = transaction.execute(tx -> {
            UUID actionId = actions.record(ConsoleActions.Kind.REDELIVER, actor, summary, reason);
            Timestamp now = Timestamp.from(Instant.now());
            List<DeliveryOrder> orders = jdbc.query(DeliveryStore.lockedInIdOrder("delivery_id = any (?::uuid[]) and state = 'DEAD_LETTERED'") + """
                    , requeued as (
                        update delivery d set state = 'QUEUED', dispatched = false, held = false, last_error = null, updated_at = ?
                        from locked where d.delivery_id = locked.delivery_id
                        returning d.delivery_id, d.tracking_id, d.recipient, d.child_key, d.accepted_seq)
                    select q.delivery_id, q.tracking_id, q.recipient, r.event, r.message_id, q.child_key
                    from requeued q join intake_record r on r.tracking_id = q.tracking_id
                    where r.erased_at is null
                    order by q.accepted_seq""",
                    (rs, i) -> new DeliveryOrder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                            rs.getString(4), rs.getString(5), false, rs.getString(6)), ids.toArray(UUID[]::new), now);
            List<AuditFact> facts = orders.stream().map(o -> AuditFact.of(AuditKind.REDELIVERED, actor.name(), actor.role())
                    .tracking(o.trackingId().toString()).recipient(o.recipient()).outcome("requeued", "action=" + actionId)).toList();
            audit.recordAll(facts);
            return new Requeued(actionId, orders);
        });
        dispatcher.dispatch(done.orders());
        Map<String, List<UUID>> byPartner = done.orders().stream().collect(Collectors.groupingBy(DeliveryOrder::recipient, TreeMap::new,
                Collectors.mapping(DeliveryOrder::deliveryId, Collectors.toList())));
        byPartner.forEach(this::removeFromDeadLetterQueue);
        Map<String, Integer> counts = new LinkedHashMap<>();
        byPartner.forEach((partner, list) -> counts.put(partner, list.size()));
        log.info("{} ({}) re-delivered {} of {} dead-lettered copies, action {}", actor.name(), actor.role(), done.orders().size(),
                ids.size(), done.actionId());
        return new Redelivery(done.actionId(), ids.size(), done.orders().size(), counts);
    }

    /** The broker's dead-letter copies of what was re-sent: nothing reads them, so they are taken off to keep depths true. */
    private void removeFromDeadLetterQueue(String partner, List<UUID> deliveryIds) {
        String queue = DeliveryDispatcher.deadLetterQueueFor(partner);
        try {
            for (int start = 0; start < deliveryIds.size(); start += 100) {
                String selector = deliveryIds.subList(start, Math.min(deliveryIds.size(), start + 100)).stream()
                        .map(id -> "'" + id + "'").collect(Collectors.joining(",", "deliveryId IN (", ")"));
                while (deadLetterQueues.receiveSelected(queue, selector) != null) {
                    // taken off
                }
            }
        } catch (RuntimeException e) {
            // the database says QUEUED; a stale dead-letter message is only a count on the broker
            log.warn("Could not clear re-delivered copies from {} ({})", queue, e.getClass().getSimpleName());
        }
    }

    private static String where(DeadLetterFilter filter, List<Object> args) {
        StringBuilder sql = new StringBuilder("where d.state = 'DEAD_LETTERED'");
        if (filter.partner() != null) {
            sql.append(" and d.recipient = ?");
            args.add(filter.partner());
        }
        if (filter.event() != null) {
            sql.append(" and r.event = ?");
            args.add(filter.event());
        }
        if (filter.fromInstant() != null) {
            sql.append(" and d.updated_at >= ?");
            args.add(Timestamp.from(filter.fromInstant()));
        }
        if (filter.beforeInstant() != null) {
            sql.append(" and d.updated_at < ?");
            args.add(Timestamp.from(filter.beforeInstant()));
        }
        return sql.toString();
    }
}
