package org.carebridge.gateway.record;

import org.carebridge.gateway.intake.IncomingMessage;
import org.carebridge.gateway.intake.RoutedMessage;
import org.carebridge.security.agreement.Recipient;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Stores an accepted record and its delivery rows in one transaction; the commit is what a 202 promises. */
@Component("recordStore")
public class RecordStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public RecordStore(JdbcTemplate jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    public StoredRecord store(RoutedMessage routed) {
        IncomingMessage message = routed.message();
        UUID trackingId = UUID.randomUUID();
        Timestamp now = Timestamp.from(message.receivedAt());
        return transaction.execute(status -> {
            List<UUID> inserted = jdbc.queryForList("""
                    insert into intake_record (tracking_id, sender, message_id, event, received_at, payload)
                    values (?, ?, ?, ?, ?, ?)
                    on conflict (sender, message_id) do nothing
                    returning tracking_id""", UUID.class,
                    trackingId, message.sender().id(), message.messageId(), message.event(), now, message.body());
            if (inserted.isEmpty()) {
                UUID existing = jdbc.queryForObject("select tracking_id from intake_record where sender = ? and message_id = ?",
                        UUID.class, message.sender().id(), message.messageId());
                return new StoredRecord(existing, message.event(), List.of(), true);
            }
            List<DeliveryOrder> orders = new ArrayList<>();
            List<Object[]> rows = new ArrayList<>();
            for (Recipient recipient : routed.recipients()) {
                UUID deliveryId = UUID.randomUUID();
                orders.add(new DeliveryOrder(deliveryId, trackingId, recipient.partner().id(), message.event(), message.messageId()));
                rows.add(new Object[]{deliveryId, trackingId, recipient.partner().id(), recipient.agreementId(),
                        recipient.agreementVersion(), recipient.ruleId(), now, now});
            }
            if (!rows.isEmpty()) {
                jdbc.batchUpdate("""
                        insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id,
                                              state, created_at, updated_at)
                        values (?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?)""", rows);
            }
            return new StoredRecord(trackingId, message.event(), List.copyOf(orders), false);
        });
    }
}
