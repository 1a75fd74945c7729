package org.carebridge.gateway.record;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.decision.IncomingMessage;
import org.carebridge.gateway.decision.RoutedMessage;
import org.carebridge.gateway.storage.PayloadVault;
import org.carebridge.gateway.storage.RetentionPolicy;
import org.carebridge.security.decision.Decision;
import org.carebridge.security.decision.SafeguardingOverride;
import org.carebridge.security.fhir.MessageSubjects;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
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
                orders.add(new DeliveryOrder(deliveryId, trackingId, recipient, message.event(), message.messageId()));
                deliveries.add(new Object[]{deliveryId, trackingId, recipient, decision.agreementId(), decision.agreementVersion(),
                        decision.ruleId(), decisionId, decision.profile(), sealedCopy(key, routed.copies().get(recipient), deliveryId),
                        now, now});
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
                                          decision_id, profile, payload, state, created_at, updated_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?)""", deliveries);
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

    private static byte[] sealedCopy(PayloadVault.RecordKey key, byte[] copy, UUID deliveryId) {
        return copy == null ? null : key.seal(copy, PayloadVault.deliveryPlace(deliveryId));
    }
}
