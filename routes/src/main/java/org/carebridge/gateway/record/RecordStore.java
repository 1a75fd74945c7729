package org.carebridge.gateway.record;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.decision.IncomingMessage;
import org.carebridge.gateway.decision.RoutedMessage;
import org.carebridge.gateway.storage.PayloadVault;
import org.carebridge.gateway.storage.RetentionPolicy;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.decision.Decision;
import org.carebridge.security.decision.SafeguardingOverride;
import org.carebridge.security.fhir.MessageSubjects;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores an accepted record, the decision for every candidate recipient, each permitted recipient's minimised copy and
 * any override awaiting review, in one transaction; the commit is what a 202 promises. The original and the copies are
 * stored sealed under the record's own data key (see {@link PayloadVault}), with the date its retention ends.
 */
@Component("recordStore")
public class RecordStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    private final AuditTrail audit;
    private final SubjectKeys subjectKeys;
    private final PayloadVault vault;
    private final RetentionPolicy retention;
    private final RecordDeadlines clocks;
    private final RecordMonitoring monitoring;
    private final UrgentLane urgentLane;

    public RecordStore(JdbcTemplate jdbc, TransactionTemplate transaction, AuditTrail audit, SubjectKeys subjectKeys,
                       PayloadVault vault, RetentionPolicy retention, RecordDeadlines clocks, RecordMonitoring monitoring,
                       UrgentLane urgentLane) {
        this.urgentLane = urgentLane;
        this.clocks = clocks;
        this.monitoring = monitoring;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.audit = audit;
        this.subjectKeys = subjectKeys;
        this.vault = vault;
        this.retention = retention;
    }

    public StoredRecord store(RoutedMessage routed) {
        IncomingMessage message = routed.message();
        UUID trackingId = UUID.randomUUID();
        Timestamp now = Timestamp.from(message.receivedAt());
        PayloadVault.RecordKey key = vault.newKey(trackingId);
        byte[] sealedOriginal = key.seal(message.body(), PayloadVault.recordPlace(trackingId));
        Timestamp retainUntil = Timestamp.from(retention.retainUntil(message.receivedAt(), routed.decisions()));
        return transaction.execute(status -> {
            // the record and its wrapped data key in one round trip; neither when the message is a duplicate
            List<UUID> inserted = jdbc.queryForList("""
                    with r as (
                        insert into intake_record (tracking_id, sender, message_id, event, received_at, payload, retain_until)
                        values (?, ?, ?, ?, ?, ?, ?)
                        on conflict (sender, message_id) do nothing
                        returning tracking_id),
                    k as (
                        insert into data_key (tracking_id, kek_id, wrapped_key, created_at)
                        select tracking_id, ?, ?, ? from r)
                    select tracking_id from r""", UUID.class,
                    trackingId, message.sender().id(), message.messageId(), message.event(), now, sealedOriginal, retainUntil,
                    key.wrapped().kekId(), key.wrapped().wrapped(), now);
            if (inserted.isEmpty()) {
                UUID existing = jdbc.queryForObject("select tracking_id from intake_record where sender = ? and message_id = ?",
                        UUID.class, message.sender().id(), message.messageId());
                return new StoredRecord(existing, message.event(), List.of(), true);
            }
            List<AuditFact> facts = new ArrayList<>();
            facts.add(new AuditFact(message.receivedAt(), AuditKind.RECEIVED, message.sender().id(), "partner", trackingId.toString(),
                    null, null, null, null, "accepted",
                    message.protection() == null ? message.event() : message.event() + "; " + message.protection(), subjectKeys.keep(MessageSubjects.identifiers(message.bundle()))));
            List<DeliveryOrder> orders = new ArrayList<>();
            SubjectIdentifier child = ChildKeys.child(MessageSubjects.identifiers(message.bundle()));
            List<Object[]> decisions = new ArrayList<>();
            List<Object[]> deliveries = new ArrayList<>();
            List<Object[]> overrides = new ArrayList<>();
            for (Decision decision : routed.decisions()) {
                UUID decisionId = UUID.randomUUID();
                String recipient = decision.recipient().id();
                decisions.add(new Object[]{decisionId, trackingId, recipient, decision.outcome().name(), decision.reason(),
                        decision.explanation(), decision.agreementId(), decision.agreementVersion(), decision.ruleId(),
                        decision.lawfulBasis(), decision.consentReference(), decision.profile(), now});
                facts.add(new AuditFact(message.receivedAt(), switch (decision.outcome()) {
                    case PERMIT -> AuditKind.DECIDED;
                    case DENY -> AuditKind.DENIED;
                    case PERMIT_BY_OVERRIDE -> AuditKind.OVERRIDDEN;
                }, "gateway", "decision", trackingId.toString(), decision.agreementId(), decision.agreementVersion(),
                        decision.lawfulBasis(), recipient, decision.outcome().name(),
                        decision.reason() + (decision.consentReference() == null ? "" : " " + decision.consentReference()), List.of()));
                if (!decision.shares()) {
                    continue;
                }
                UUID deliveryId = UUID.randomUUID();
                String childKey = ChildKeys.groupOf(subjectKeys, child, decision.recipient());
                orders.add(new DeliveryOrder(deliveryId, trackingId, recipient, message.event(), message.messageId(), false, childKey));
                deliveries.add(new Object[]{deliveryId, trackingId, recipient, decision.agreementId(), decision.agreementVersion(),
                        decision.ruleId(), decisionId, decision.profile(), sealedCopy(key, routed.copies().get(recipient), deliveryId),
                        now, now, childKey});
                SafeguardingOverride override = decision.override();
                if (override != null) {
                    UUID overrideId = UUID.randomUUID();
                    overrides.add(new Object[]{overrideId, decisionId, trackingId, recipient,
                            OverrideAssertions.seal(key, overrideId, override), now});
                }
            }
            jdbc.batchUpdate("""
                    insert into decision (decision_id, tracking_id, recipient, outcome, reason, explanation, agreement_id,
                                          agreement_version, rule_id, lawful_basis, consent_ref, profile, decided_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", decisions);
            jdbc.batchUpdate("""
                    insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id,
                                          decision_id, profile, payload, state, created_at, updated_at, child_key)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?)""", deliveries);
            jdbc.batchUpdate("""
                    insert into override_review (override_id, decision_id, tracking_id, recipient, sealed_assertion, created_at)
                    values (?, ?, ?, ?, ?, ?)""", overrides);
            monitoring.record(trackingId, message);
            audit.recordAll(facts);
            boolean urgent = urgentLane.urgent(clocks.start(trackingId, message, orders.size()));
            return new StoredRecord(trackingId, message.event(),
                    urgent ? orders.stream().map(DeliveryOrder::asUrgent).toList() : List.copyOf(orders), false);
        });
    }

    /**
     * Stores the records of one file together, each as {@link #store} would (its own tracking id, data key, decisions,
     * copies and ledger entries), in one transaction and a few JDBC batches: the batch costs one commit and a round
     * trip per table, not per record, and each record is stored whole or not at all. A message id already stored, or
     * repeated within the batch, is a duplicate, as for {@link #store}. If the batch cannot be committed, each record
     * is stored on its own, so a record that cannot be stored fails alone (its exception is thrown once those before
     * it are stored).
     */
    public List<StoredRecord> storeAll(List<RoutedMessage> batch) {
        if (batch.size() > 1) {
            List<Sealed> sealed = batch.stream().map(this::seal).toList();
            try {
                return transaction.execute(status -> storeTogether(sealed));
            } catch (RuntimeException e) {
                // one record spoiled the batch's transaction: store them one by one, so that it fails alone
            }
        }
        return batch.stream().map(this::store).toList();
    }

    /** A record sealed under its new data key, before its transaction. */
    private record Sealed(RoutedMessage routed, UUID trackingId, PayloadVault.RecordKey key, byte[] original, Timestamp retainUntil) {
    }

    private Sealed seal(RoutedMessage routed) {
        IncomingMessage message = routed.message();
        UUID trackingId = UUID.randomUUID();
        PayloadVault.RecordKey key = vault.newKey(trackingId);
        return new Sealed(routed, trackingId, key, key.seal(message.body(), PayloadVault.recordPlace(trackingId)),
                Timestamp.from(retention.retainUntil(message.receivedAt(), routed.decisions())));
    }

    private List<StoredRecord> storeTogether(List<Sealed> batch) {
        List<Object[]> records = new ArrayList<>();
        for (Sealed r : batch) {
            IncomingMessage message = r.routed().message();
            records.add(new Object[]{r.trackingId(), message.sender().id(), message.messageId(), message.event(),
                    Timestamp.from(message.receivedAt()), r.original(), r.retainUntil()});
        }
        int[] inserted = jdbc.batchUpdate("""
                insert into intake_record (tracking_id, sender, message_id, event, received_at, payload, retain_until)
                values (?, ?, ?, ?, ?, ?, ?)
                on conflict (sender, message_id) do nothing""", records);
        List<Object[]> keys = new ArrayList<>();
        List<SubjectIdentifier> subjects = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (inserted[i] != 0 && inserted[i] != 1) {
                throw new IllegalStateException("the batch did not say which records it inserted");
            }
            if (inserted[i] == 1) {
                Sealed r = batch.get(i);
                keys.add(new Object[]{r.trackingId(), r.key().wrapped().kekId(), r.key().wrapped().wrapped(),
                        Timestamp.from(r.routed().message().receivedAt())});
                subjects.addAll(MessageSubjects.identifiers(r.routed().message().bundle()));
            }
        }
        jdbc.batchUpdate("insert into data_key (tracking_id, kek_id, wrapped_key, created_at) values (?, ?, ?, ?)", keys);
        // every subject of the batch kept at once, in key order, as store keeps a record's
        subjectKeys.keep(subjects);
        List<AuditFact> facts = new ArrayList<>();
        List<Object[]> decisions = new ArrayList<>();
        List<Object[]> deliveries = new ArrayList<>();
        List<Object[]> overrides = new ArrayList<>();
        List<List<DeliveryOrder>> orders = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            List<DeliveryOrder> recordOrders = new ArrayList<>();
            orders.add(recordOrders);
            if (inserted[i] == 1) {
                rows(batch.get(i), facts, decisions, deliveries, overrides, recordOrders);
            }
        }
        jdbc.batchUpdate("""
                insert into decision (decision_id, tracking_id, recipient, outcome, reason, explanation, agreement_id,
                                      agreement_version, rule_id, lawful_basis, consent_ref, profile, decided_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", decisions);
        jdbc.batchUpdate("""
                insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id,
                                      decision_id, profile, payload, state, created_at, updated_at, child_key)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?)""", deliveries);
        jdbc.batchUpdate("""
                insert into override_review (override_id, decision_id, tracking_id, recipient, sealed_assertion, created_at)
                values (?, ?, ?, ?, ?, ?)""", overrides);
        Map<UUID, IncomingMessage> monitored = new LinkedHashMap<>();
        List<RecordDeadlines.Starting> starting = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (inserted[i] == 1) {
                IncomingMessage message = batch.get(i).routed().message();
                monitored.put(batch.get(i).trackingId(), message);
                starting.add(new RecordDeadlines.Starting(batch.get(i).trackingId(), message, orders.get(i).size()));
            }
        }
        monitoring.recordAll(monitored);
        audit.recordAll(facts);
        List<? extends Optional<? extends RecordDeadlines.Started>> started = clocks.startAll(starting);
        List<StoredRecord> stored = new ArrayList<>(batch.size());
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            IncomingMessage message = batch.get(i).routed().message();
            if (inserted[i] == 0) {
                UUID existing = jdbc.queryForObject("select tracking_id from intake_record where sender = ? and message_id = ?",
                        UUID.class, message.sender().id(), message.messageId());
                stored.add(new StoredRecord(existing, message.event(), List.of(), true));
                continue;
            }
            List<DeliveryOrder> recordOrders = orders.get(i);
            boolean urgent = urgentLane.urgent(started.get(next++));
            stored.add(new StoredRecord(batch.get(i).trackingId(), message.event(),
                    urgent ? recordOrders.stream().map(DeliveryOrder::asUrgent).toList() : List.copyOf(recordOrders), false));
        }
        return stored;
    }

    /** One record's ledger facts, decisions, sealed copies and overrides, as {@link #store} writes them. */
    private void rows(Sealed r, List<AuditFact> facts, List<Object[]> decisions, List<Object[]> deliveries, List<Object[]> overrides,
                      List<DeliveryOrder> orders) {
        IncomingMessage message = r.routed().message();
        UUID trackingId = r.trackingId();
        Timestamp now = Timestamp.from(message.receivedAt());
        facts.add(new AuditFact(message.receivedAt(), AuditKind.RECEIVED, message.sender().id(), "partner", trackingId.toString(),
                null, null, null, null, "accepted",
                message.protection() == null ? message.event() : message.event() + "; " + message.protection(),
                subjectKeys.keysOf(MessageSubjects.identifiers(message.bundle()))));
        SubjectIdentifier child = ChildKeys.child(MessageSubjects.identifiers(message.bundle()));
        for (Decision decision : r.routed().decisions()) {
            UUID decisionId = UUID.randomUUID();
            String recipient = decision.recipient().id();
            decisions.add(new Object[]{decisionId, trackingId, recipient, decision.outcome().name(), decision.reason(),
                    decision.explanation(), decision.agreementId(), decision.agreementVersion(), decision.ruleId(),
                    decision.lawfulBasis(), decision.consentReference(), decision.profile(), now});
            facts.add(new AuditFact(message.receivedAt(), switch (decision.outcome()) {
                case PERMIT -> AuditKind.DECIDED;
                case DENY -> AuditKind.DENIED;
                case PERMIT_BY_OVERRIDE -> AuditKind.OVERRIDDEN;
            }, "gateway", "decision", trackingId.toString(), decision.agreementId(), decision.agreementVersion(),
                    decision.lawfulBasis(), recipient, decision.outcome().name(),
                    decision.reason() + (decision.consentReference() == null ? "" : " " + decision.consentReference()), List.of()));
            if (!decision.shares()) {
                continue;
            }
            UUID deliveryId = UUID.randomUUID();
            String childKey = ChildKeys.groupOf(subjectKeys, child, decision.recipient());
            orders.add(new DeliveryOrder(deliveryId, trackingId, recipient, message.event(), message.messageId(), false, childKey));
            deliveries.add(new Object[]{deliveryId, trackingId, recipient, decision.agreementId(), decision.agreementVersion(),
                    decision.ruleId(), decisionId, decision.profile(), sealedCopy(r.key(), r.routed().copies().get(recipient), deliveryId),
                    now, now, childKey});
            SafeguardingOverride override = decision.override();
            if (override != null) {
                UUID overrideId = UUID.randomUUID();
                overrides.add(new Object[]{overrideId, decisionId, trackingId, recipient,
                        OverrideAssertions.seal(r.key(), overrideId, override), now});
            }
        }
    }

    private static byte[] sealedCopy(PayloadVault.RecordKey key, byte[] copy, UUID deliveryId) {
        return copy == null ? null : key.seal(copy, PayloadVault.deliveryPlace(deliveryId));
    }
}
