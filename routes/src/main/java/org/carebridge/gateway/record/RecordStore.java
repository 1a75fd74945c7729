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
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /** Posted records committed together, at most this many per transaction. */
    private final DisclosureCommits<Posted> posted = new DisclosureCommits<>(this::commitPosted, 32, e -> !unreachable(e));

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

    /**
     * One record, as a batch of one ({@link #storeAll}): the commit is what a 202 promises. Records posted while another
     * commit is under way are stored together in the next transaction, each call returning once its own record is
     * committed ({@link DisclosureCommits}); a batch that cannot commit is stored record by record, so a record that
     * cannot be stored fails alone, unless the database could not be reached at all.
     */
    public StoredRecord store(RoutedMessage routed) {
        Posted mine = new Posted(seal(routed));
        posted.commit(mine);
        return mine.stored;
    }

    /** A posted record waiting for its commit, and then what was stored. */
    private static final class Posted {
        final Sealed sealed;
        volatile StoredRecord stored;

        Posted(Sealed sealed) {
            this.sealed = sealed;
        }
    }

    private void commitPosted(List<Posted> batch) {
        List<StoredRecord> stored = transaction.execute(status -> storeTogether(batch.stream().map(p -> p.sealed).toList()));
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).stored = stored.get(i);
        }
    }

    /** The database could not be reached or went away: storing the records one by one would only fail as often. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.transaction.CannotCreateTransactionException
                    || t instanceof org.springframework.dao.DataAccessResourceFailureException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P") || sql.getSQLState().startsWith("53"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stores records together, each its own record (its own tracking id, data key, decisions, copies and ledger
     * entries), in one transaction and three round trips however many records: the records with their data keys; then
     * their subjects, decisions, copies, overrides, monitoring facts, clocks and ledger facts in one statement; then the
     * commit. Each record is stored whole or not at all. A message id already stored, or repeated within the batch,
     * is a duplicate. If a batch of several cannot be committed, each record is stored on its own, so a record that
     * cannot be stored fails alone (its exception is thrown once those before it are stored).
     */
    public List<StoredRecord> storeAll(List<RoutedMessage> batch) {
        List<Sealed> sealed = batch.stream().map(this::seal).toList();
        if (sealed.size() > 1) {
            try {
                return transaction.execute(status -> storeTogether(sealed));
            } catch (RuntimeException e) {
                // one record spoiled the batch's transaction: store them one by one, so that it fails alone
            }
        }
        List<StoredRecord> stored = new ArrayList<>(sealed.size());
        for (Sealed one : sealed) {
            stored.add(transaction.execute(status -> storeTogether(List.of(one))).get(0));
        }
        return stored;
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
        boolean[] inserted = insertRecordsAndKeys(batch);
        List<SubjectIdentifier> subjects = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (inserted[i]) {
                subjects.addAll(MessageSubjects.identifiers(batch.get(i).routed().message().bundle()));
            }
        }
        List<AuditFact> facts = new ArrayList<>();
        Rows rows = new Rows();
        List<List<DeliveryOrder>> orders = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            List<DeliveryOrder> recordOrders = new ArrayList<>();
            orders.add(recordOrders);
            if (inserted[i]) {
                rows(batch.get(i), facts, rows, recordOrders);
            }
        }
        Map<UUID, IncomingMessage> monitored = new LinkedHashMap<>();
        List<RecordDeadlines.Starting> starting = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (inserted[i]) {
                IncomingMessage message = batch.get(i).routed().message();
                monitored.put(batch.get(i).trackingId(), message);
                starting.add(new RecordDeadlines.Starting(batch.get(i).trackingId(), message, orders.get(i).size()));
            }
        }
        RecordDeadlines.Starts clocksStarting = clocks.starting(starting);
        List<? extends Optional<? extends RecordDeadlines.Started>> started = clocksStarting.started();
        // every subject of the batch kept (in key order), the decisions, copies and overrides, the monitoring facts, the
        // clocks, and the ledger facts (each record's RECEIVED, then its decisions'), in one statement
        List<AuditTrail.Change> changes = new ArrayList<>(List.of(subjectKeys.keeping(subjects), rows.decisions(), rows.deliveries(),
                rows.overrides()));
        changes.addAll(monitoring.recording(monitored));
        changes.addAll(clocksStarting.changes());
        if (!facts.isEmpty()) { // a batch of duplicates only writes nothing more
            audit.recordAllAfter(changes, facts);
        }
        List<StoredRecord> stored = new ArrayList<>(batch.size());
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            IncomingMessage message = batch.get(i).routed().message();
            if (!inserted[i]) {
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

    /**
     * The records and their wrapped data keys in one round trip, a key only for a record inserted; whether each was
     * (not: its message id was stored before, or earlier in the batch).
     */
    private boolean[] insertRecordsAndKeys(List<Sealed> batch) {
        StringBuilder values = new StringBuilder();
        List<Object> args = new ArrayList<>(batch.size() * 9);
        for (Sealed r : batch) {
            IncomingMessage message = r.routed().message();
            Timestamp receivedAt = Timestamp.from(message.receivedAt());
            values.append(values.isEmpty() ? "" : ", ").append("(?::uuid, ?::text, ?::text, ?::text, ?::timestamptz, ?::bytea, ?::timestamptz, ?::text, ?::bytea)");
            args.addAll(Arrays.asList(r.trackingId(), message.sender().id(), message.messageId(), message.event(),
                    receivedAt, r.original(), r.retainUntil(), r.key().wrapped().kekId(), r.key().wrapped().wrapped()));
        }
        List<UUID> stored = jdbc.queryForList("""
                with v (tracking_id, sender, message_id, event, received_at, payload, retain_until, kek_id, wrapped_key) as (
                    values %s),
                r as (
                    insert into intake_record (tracking_id, sender, message_id, event, received_at, payload, retain_until)
                    select tracking_id, sender, message_id, event, received_at, payload, retain_until from v
                    on conflict (sender, message_id) do nothing
                    returning tracking_id),
                k as (
                    insert into data_key (tracking_id, kek_id, wrapped_key, created_at)
                    select v.tracking_id, v.kek_id, v.wrapped_key, v.received_at from v join r on r.tracking_id = v.tracking_id)
                select tracking_id from r""".formatted(values), UUID.class, args.toArray());
        Set<UUID> insertedIds = new HashSet<>(stored);
        boolean[] inserted = new boolean[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            inserted[i] = insertedIds.contains(batch.get(i).trackingId());
        }
        return inserted;
    }

    /** One record's ledger facts, decisions, sealed copies and overrides. */
    private void rows(Sealed r, List<AuditFact> facts, Rows rows, List<DeliveryOrder> orders) {
        IncomingMessage message = r.routed().message();
        UUID trackingId = r.trackingId();
        String at = AuditTrail.Change.time(message.receivedAt());
        List<SubjectIdentifier> identifiers = MessageSubjects.identifiers(message.bundle());
        facts.add(new AuditFact(message.receivedAt(), AuditKind.RECEIVED, message.sender().id(), "partner", trackingId.toString(),
                null, null, null, null, "accepted",
                message.protection() == null ? message.event() : message.event() + "; " + message.protection(),
                subjectKeys.keysOf(identifiers)));
        SubjectIdentifier child = ChildKeys.child(identifiers);
        for (Decision decision : r.routed().decisions()) {
            UUID decisionId = UUID.randomUUID();
            String recipient = decision.recipient().id();
            rows.decision(decisionId, trackingId, recipient, decision, at);
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
            rows.delivery(deliveryId, trackingId, recipient, decision, decisionId,
                    sealedCopy(r.key(), r.routed().copies().get(recipient), deliveryId), at, childKey);
            SafeguardingOverride override = decision.override();
            if (override != null) {
                UUID overrideId = UUID.randomUUID();
                rows.override(overrideId, decisionId, trackingId, recipient, OverrideAssertions.seal(r.key(), overrideId, override), at);
            }
        }
    }

    /**
     * A batch's decision, delivery and override_review rows, a column each, to be inserted by one statement whatever their
     * number ({@code unnest}), times as ISO-8601 text. The copies are inserted in the batch's order, so that records
     * stored together take their places in each child's delivery order ({@code accepted_seq}) in that order.
     */
    private static final class Rows {

        private final List<UUID> decisionId = new ArrayList<>(), decisionTracking = new ArrayList<>();
        private final List<String> decisionRecipient = new ArrayList<>(), outcome = new ArrayList<>(), reason = new ArrayList<>(),
                explanation = new ArrayList<>(), decisionAgreement = new ArrayList<>(), decisionRule = new ArrayList<>(),
                lawfulBasis = new ArrayList<>(), consentRef = new ArrayList<>(), decisionProfile = new ArrayList<>(),
                decidedAt = new ArrayList<>();
        private final List<Integer> decisionVersion = new ArrayList<>();

        private final List<UUID> deliveryId = new ArrayList<>(), deliveryTracking = new ArrayList<>(), deliveryDecision = new ArrayList<>();
        private final List<String> deliveryRecipient = new ArrayList<>(), deliveryAgreement = new ArrayList<>(),
                deliveryRule = new ArrayList<>(), deliveryProfile = new ArrayList<>(), createdAt = new ArrayList<>(),
                childKey = new ArrayList<>();
        private final List<Integer> deliveryVersion = new ArrayList<>();
        private final List<byte[]> payload = new ArrayList<>();

        private final List<UUID> overrideId = new ArrayList<>(), overrideDecision = new ArrayList<>(), overrideTracking = new ArrayList<>();
        private final List<String> overrideRecipient = new ArrayList<>(), overrideAt = new ArrayList<>();
        private final List<byte[]> sealedAssertion = new ArrayList<>();

        void decision(UUID id, UUID trackingId, String recipient, Decision d, String at) {
            decisionId.add(id);
            decisionTracking.add(trackingId);
            decisionRecipient.add(recipient);
            outcome.add(d.outcome().name());
            reason.add(d.reason());
            explanation.add(d.explanation());
            decisionAgreement.add(d.agreementId());
            decisionVersion.add(d.agreementVersion());
            decisionRule.add(d.ruleId());
            lawfulBasis.add(d.lawfulBasis());
            consentRef.add(d.consentReference());
            decisionProfile.add(d.profile());
            decidedAt.add(at);
        }

        void delivery(UUID id, UUID trackingId, String recipient, Decision d, UUID decision, byte[] sealedCopy, String at, String child) {
            deliveryId.add(id);
            deliveryTracking.add(trackingId);
            deliveryRecipient.add(recipient);
            deliveryAgreement.add(d.agreementId());
            deliveryVersion.add(d.agreementVersion());
            deliveryRule.add(d.ruleId());
            deliveryDecision.add(decision);
            deliveryProfile.add(d.profile());
            payload.add(sealedCopy);
            createdAt.add(at);
            childKey.add(child);
        }

        void override(UUID id, UUID decision, UUID trackingId, String recipient, byte[] sealed, String at) {
            overrideId.add(id);
            overrideDecision.add(decision);
            overrideTracking.add(trackingId);
            overrideRecipient.add(recipient);
            sealedAssertion.add(sealed);
            overrideAt.add(at);
        }

        AuditTrail.Change decisions() {
            return new AuditTrail.Change("""
                    insert into decision (decision_id, tracking_id, recipient, outcome, reason, explanation, agreement_id,
                                          agreement_version, rule_id, lawful_basis, consent_ref, profile, decided_at)
                    select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::integer[],
                                         ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])""",
                    List.of(uuids(decisionId), uuids(decisionTracking), texts(decisionRecipient), texts(outcome), texts(reason),
                            texts(explanation), texts(decisionAgreement), integers(decisionVersion), texts(decisionRule),
                            texts(lawfulBasis), texts(consentRef), texts(decisionProfile), texts(decidedAt)));
        }

        AuditTrail.Change deliveries() {
            return new AuditTrail.Change("""
                    insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id,
                                          decision_id, profile, payload, state, created_at, updated_at, child_key)
                    select c.delivery_id, c.tracking_id, c.recipient, c.agreement_id, c.agreement_version, c.rule_id,
                           c.decision_id, c.profile, c.payload, 'QUEUED', c.created_at, c.created_at, c.child_key
                    from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::integer[], ?::text[], ?::uuid[], ?::text[],
                                ?::bytea[], ?::timestamptz[], ?::text[])
                         with ordinality as c (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id,
                                               decision_id, profile, payload, created_at, child_key, ord)
                    order by c.ord""",
                    List.of(uuids(deliveryId), uuids(deliveryTracking), texts(deliveryRecipient), texts(deliveryAgreement),
                            integers(deliveryVersion), texts(deliveryRule), uuids(deliveryDecision), texts(deliveryProfile),
                            payload.toArray(byte[][]::new), texts(createdAt), texts(childKey)));
        }

        AuditTrail.Change overrides() {
            return new AuditTrail.Change("""
                    insert into override_review (override_id, decision_id, tracking_id, recipient, sealed_assertion, created_at)
                    select * from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::bytea[], ?::timestamptz[])""",
                    List.of(uuids(overrideId), uuids(overrideDecision), uuids(overrideTracking), texts(overrideRecipient),
                            sealedAssertion.toArray(byte[][]::new), texts(overrideAt)));
        }

        private static UUID[] uuids(List<UUID> column) {
            return column.toArray(UUID[]::new);
        }

        private static String[] texts(List<String> column) {
            return column.toArray(String[]::new);
        }

        private static Integer[] integers(List<Integer> column) {
            return column.toArray(Integer[]::new);
        }
    }

    private static byte[] sealedCopy(PayloadVault.RecordKey key, byte[] copy, UUID deliveryId) {
        return copy == null ? null : key.seal(copy, PayloadVault.deliveryPlace(deliveryId));
    }
}
