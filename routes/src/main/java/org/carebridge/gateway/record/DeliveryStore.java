package org.carebridge.gateway.record;

import org.carebridge.gateway.clock.RecordClocks;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Delivery state. Updates after intake commit asynchronously ({@code synchronous_commit = off}): if a crash loses one,
 * the copy is sent again and the receiver de-duplicates by message id, so nothing is lost and nothing needs the wait.
 */
@Component("deliveryStore")
public class DeliveryStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final RecordClocks clocks;

    public DeliveryStore(JdbcTemplate jdbc, TransactionTemplate transaction, RecordClocks clocks) {
        this.clocks = clocks;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** The copy to send, or null when it has already been delivered. */
    public PendingDelivery loadForDelivery(String deliveryId) {
        List<PendingDelivery> found = jdbc.query("""
                select d.delivery_id, d.tracking_id, d.recipient, r.event, r.message_id, coalesce(d.payload, r.payload), r.received_at
                from delivery d join intake_record r on r.tracking_id = d.tracking_id
                where d.delivery_id = ? and d.state <> 'DELIVERED'""",
                (rs, i) -> new PendingDelivery(new DeliveryOrder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getString(5)), rs.getBytes(6), rs.getTimestamp(7).toInstant()),
                UUID.fromString(deliveryId));
        return found.isEmpty() ? null : found.get(0);
    }

    public void markDispatched(List<UUID> deliveryIds) {
        relaxed(() -> jdbc.update("update delivery set dispatched = true where delivery_id = any (?)",
                (Object) deliveryIds.toArray(UUID[]::new)));
    }

    public void markDelivered(UUID deliveryId) {
        Timestamp now = Timestamp.from(Instant.now());
        relaxed(() -> {
            jdbc.update("""
                    update delivery set state = 'DELIVERED', attempts = attempts + 1, delivered_at = ?, updated_at = ?, last_error = null
                    where delivery_id = ?""", now, now, deliveryId);
            clocks.afterDelivered(deliveryId);
        });
    }

    public void markFailedAttempt(UUID deliveryId, String reason) {
        relaxed(() -> jdbc.update("""
                update delivery set state = 'FAILED', attempts = attempts + 1, last_error = ?, updated_at = ?
                where delivery_id = ? and state in ('QUEUED', 'FAILED')""", reason, Timestamp.from(Instant.now()), deliveryId));
    }

    public void markDeadLettered(UUID deliveryId, String reason) {
        relaxed(() -> jdbc.update("""
                update delivery set state = 'DEAD_LETTERED', attempts = attempts + 1, last_error = ?, updated_at = ?
                where delivery_id = ? and state <> 'DELIVERED'""", reason, Timestamp.from(Instant.now()), deliveryId));
    }

    /** Copies stored but never handed to the broker, for example because the gateway stopped in between. */
    public List<DeliveryOrder> undispatched(Duration olderThan, int limit) {
        return jdbc.query("""
                select d.delivery_id, d.tracking_id, d.recipient, r.event, r.message_id
                from delivery d join intake_record r on r.tracking_id = d.tracking_id
                where not d.dispatched and d.state in ('QUEUED', 'FAILED') and d.created_at < ?
                order by d.created_at limit ?""",
                (rs, i) -> new DeliveryOrder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getString(4), rs.getString(5)),
                Timestamp.from(Instant.now().minus(olderThan)), limit);
    }

    public Optional<RecordStatus> status(UUID trackingId) {
        List<RecordStatus> records = jdbc.query(
                "select tracking_id, sender, message_id, event, received_at from intake_record where tracking_id = ?",
                (rs, i) -> new RecordStatus(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), null, null), trackingId);
        if (records.isEmpty()) {
            return Optional.empty();
        }
        List<RecordStatus.RecipientStatus> recipients = jdbc.query("""
                select recipient, agreement_id, agreement_version, rule_id, state, attempts, delivered_at, last_error
                from delivery where tracking_id = ? order by recipient""",
                (rs, i) -> new RecordStatus.RecipientStatus(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        DeliveryState.valueOf(rs.getString(5)), rs.getInt(6),
                        rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant(), rs.getString(8)), trackingId);
        List<RecordStatus.DecisionStatus> decisions = jdbc.query("""
                select recipient, outcome, reason, explanation, agreement_id, agreement_version, rule_id, lawful_basis,
                       consent_ref, profile
                from decision where tracking_id = ? order by recipient""",
                (rs, i) -> new RecordStatus.DecisionStatus(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)), trackingId);
        RecordStatus record = records.get(0);
        return Optional.of(new RecordStatus(record.trackingId(), record.sender(), record.messageId(), record.event(),
                record.receivedAt(), recipients, decisions));
    }

    private void relaxed(Runnable update) {
        transaction.executeWithoutResult(status -> {
            jdbc.execute("set local synchronous_commit = off");
            update.run();
        });
    }
}
