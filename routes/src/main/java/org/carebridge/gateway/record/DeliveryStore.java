package org.carebridge.gateway.record;

import org.carebridge.gateway.agreement.AgreementRef;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.storage.PayloadVault;
import org.carebridge.security.storage.PayloadUnreadable;
import org.carebridge.security.storage.WrappedDataKey;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivery state. Updates after intake commit asynchronously ({@code synchronous_commit = off}): if a crash loses one,
 * the copy is sent again and the receiver de-duplicates by message id, so nothing is lost and nothing needs the wait.
 * The exception is delivery itself, which commits with its DISCLOSED audit fact.
 */
@Component("deliveryStore")
public class DeliveryStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final PayloadVault vault;
    private final RecordDeadlines clocks;
    private final AuditTrail audit;
    private final DisclosureCommits<Delivered> disclosures = new DisclosureCommits<>(this::commitDelivered, 64);

    private final UrgentLane urgentLane;

    public DeliveryStore(JdbcTemplate jdbc, TransactionTemplate transaction, PayloadVault vault, RecordDeadlines clocks, AuditTrail audit,
                         UrgentLane urgentLane) {
        this.urgentLane = urgentLane;
        this.clocks = clocks;
        this.audit = audit;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.vault = vault;
    }

    /**
     * The copy to send, opened, or null when it has already been delivered or its record was erased (its retention
     * ended before delivery: the copy is marked ERASED and never sent).
     */
    public PendingDelivery loadForDelivery(String deliveryId) {
        UUID id = UUID.fromString(deliveryId);
        List<Sealed> found = jdbc.query("""
                select d.delivery_id, d.tracking_id, d.recipient, r.event, r.message_id, d.payload,
                       case when d.payload is null then r.payload end, r.received_at,
                       k.kek_id, k.wrapped_key, r.erased_at is not null, r.retain_until is null, d.agreement_id, d.agreement_version,
                       exists (select 1 from record_clock c where c.tracking_id = d.tracking_id and c.state <> 'STOPPED')
                from delivery d join intake_record r on r.tracking_id = d.tracking_id
                     left join data_key k on k.tracking_id = d.tracking_id
                where d.delivery_id = ? and d.state not in ('DELIVERED', 'ERASED')""",
                (rs, i) -> new Sealed(new DeliveryOrder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getString(5)), rs.getBytes(6), rs.getBytes(7),
                        rs.getTimestamp(8).toInstant(), rs.getString(9) == null ? null : new WrappedDataKey(rs.getString(9), rs.getBytes(10)),
                        rs.getBoolean(11), rs.getBoolean(12), new AgreementRef(rs.getString(13), rs.getInt(14)), rs.getBoolean(15)),
                id);
        if (found.isEmpty()) {
            return null;
        }
        Sealed sealed = found.get(0);
        if (sealed.erased()) {
            markErased(id);
            return null;
        }
        if (sealed.key() == null) {
            if (!sealed.legacy()) {
                throw new PayloadUnreadable("the record's data key is missing although the record is not erased");
            }
            // Stored before sealing and not yet sealed by LegacyPayloadSealer: the bytes are as received.
            return new PendingDelivery(sealed.order(), sealed.copy() != null ? sealed.copy() : sealed.original(), sealed.receivedAt(),
                    sealed.agreement(), sealed.clocked(), new AtomicBoolean(true));
        }
        UUID trackingId = sealed.order().trackingId();
        byte[] payload = sealed.copy() != null
                ? vault.open(trackingId, sealed.key(), sealed.copy(), PayloadVault.deliveryPlace(id))
                : vault.open(trackingId, sealed.key(), sealed.original(), PayloadVault.recordPlace(trackingId));
        return new PendingDelivery(sealed.order(), payload, sealed.receivedAt(), sealed.agreement(), sealed.clocked(),
                new AtomicBoolean(true));
    }

    private void markErased(UUID deliveryId) {
        relaxed(() -> jdbc.update("""
                update delivery set state = 'ERASED', updated_at = ? where delivery_id = ? and state not in ('DELIVERED', 'ERASED')""",
                Timestamp.from(Instant.now()), deliveryId));
    }

    /**
     * True when the copy must not be sent any more because its record was erased, checked again just before sending
     * since a retry re-sends the copy it already holds.
     */
    public boolean erased(UUID deliveryId) {
        Boolean erased = jdbc.queryForObject("""
                select d.state = 'ERASED' or r.erased_at is not null
                from delivery d join intake_record r on r.tracking_id = d.tracking_id where d.delivery_id = ?""",
                Boolean.class, deliveryId);
        if (Boolean.TRUE.equals(erased)) {
            markErased(deliveryId);
            return true;
        }
        return false;
    }

    private record Sealed(DeliveryOrder order, byte[] copy, byte[] original, Instant receivedAt, WrappedDataKey key, boolean erased,
                          boolean legacy, AgreementRef agreement, boolean clocked) {
    }

    /**
     * Claims undispatched copies for one node's dispatcher before it sends them, so that two dispatchers holding the
     * same copy (a node's queue and another node's sweep) never both send it: only one conditional update wins. A
     * claim older than {@code claimTimeout} (its node died between claiming and sending, or its send is stuck) may be
     * taken over. Times are the database's, so nodes' clocks do not matter.
     *
     * @return the ids this node won; the others are dispatched already or claimed by another node
     */
    public List<UUID> claimForDispatch(List<UUID> deliveryIds, String node, Duration claimTimeout) {
        return transaction.execute(status -> {
            jdbc.execute("set local synchronous_commit = off");
            return jdbc.queryForList(inIdOrder("""
                    not dispatched and state in ('QUEUED', 'FAILED')
                      and (claimed_by is null or claimed_by = ? or claimed_at < now() - make_interval(secs => ?))""")
                    + " update delivery d set claimed_by = ?, claimed_at = now(), held = false from locked"
                    + " where d.delivery_id = locked.delivery_id returning d.delivery_id",
                    UUID.class, deliveryIds.toArray(UUID[]::new), node, seconds(claimTimeout), node);
        });
    }

    /**
     * The copies are on their partners' queues; their claims are cleared, so a copy dispatched again starts unclaimed. A
     * copy a consumer has already taken off the broker and held in its child's sequence ({@link ChildSequence}) since it
     * was claimed stays undispatched.
     */
    public void markDispatched(List<UUID> deliveryIds) {
        relaxed(() -> jdbc.update(inIdOrder("not held")
                + " update delivery d set dispatched = true, claimed_by = null, claimed_at = null from locked"
                + " where d.delivery_id = locked.delivery_id", (Object) deliveryIds.toArray(UUID[]::new)));
    }

    /**
     * A {@code with locked} clause that locks the copies with these ids (the first argument, a {@code uuid[]}) where
     * the condition holds, for the statement after it to change only those; see {@link #lockedInIdOrder}.
     */
    static String inIdOrder(String condition) {
        return lockedInIdOrder("delivery_id = any (?::uuid[]) and (" + condition + ")");
    }

    /**
     * A {@code with locked} clause that locks the copies where the condition holds, in delivery-id order, for the
     * statement after it to change only those ({@code from locked where d.delivery_id = locked.delivery_id}). Every
     * statement that locks several copies takes them in this one order, so two of them never wait for each other (a
     * deadlock): the dispatcher's claim and its marking a batch sent, the consumers' marking copies delivered,
     * retention's and an operator's changes to many copies. A plain {@code update ... where delivery_id = any (?)}
     * locks in whatever order its plan visits the rows: the index's for a few ids, the heap's for a bitmap scan of
     * many, the array's for a join with unnest. {@code no key update} is the lock an update takes, so rows referencing
     * a copy can still be inserted meanwhile.
     */
    public static String lockedInIdOrder(String condition) {
        return "with locked as materialized (select delivery_id from delivery where " + condition
                + " order by delivery_id for no key update)";
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /**
     * Marks the copy delivered and records its disclosure in one transaction, so a crash leaves either both (the copy is
     * not sent again) or neither (the copy is sent again, the receiver de-duplicates by message id, and the fact is then
     * written): never a delivered copy without its DISCLOSED entry. Unlike the other state changes this one commits
     * synchronously: a server crash must not lose the record of a disclosure the recipient already has.
     */
    public void markDelivered(UUID deliveryId, AuditFact disclosed) {
        markDelivered(deliveryId, disclosed, true);
    }

    /**
     * As {@link #markDelivered(UUID, AuditFact)}; {@code clocked} false (the record had no running clock when the copy
     * was loaded, and a clock only starts with its record) skips looking for a clock to stop. The state change and its
     * DISCLOSED fact go in one statement; copies delivered at the same time share one transaction and one commit
     * ({@link DisclosureCommits}), and each call returns only once its copy is committed.
     */
    public void markDelivered(UUID deliveryId, AuditFact disclosed, boolean clocked) {
        disclosures.commit(new Delivered(deliveryId, disclosed, clocked, Timestamp.from(Instant.now())));
    }

    private record Delivered(UUID deliveryId, AuditFact disclosed, boolean clocked, Timestamp at) {
    }

    /**
     * The copies' DELIVERED states and their DISCLOSED facts in one statement, then their records' clocks, in one
     * transaction. A copy delivered twice in one batch counts both attempts and keeps the later time, as two updates would.
     */
    private void commitDelivered(List<Delivered> batch) {
        Map<UUID, Delivered> last = new LinkedHashMap<>();
        Map<UUID, Integer> attempts = new LinkedHashMap<>();
        for (Delivered d : batch) {
            last.put(d.deliveryId(), d);
            attempts.merge(d.deliveryId(), 1, Integer::sum);
        }
        UUID[] ids = last.keySet().toArray(UUID[]::new);
        transaction.executeWithoutResult(status -> {
            audit.recordAllAfter(List.of(new AuditTrail.Change(inIdOrder("true") + """
                     update delivery d
                    set state = 'DELIVERED', attempts = d.attempts + u.attempts, delivered_at = u.at, updated_at = u.at,
                        last_error = null
                    from locked, unnest(?::uuid[], ?::integer[], ?::timestamptz[]) as u (delivery_id, attempts, at)
                    where d.delivery_id = locked.delivery_id and u.delivery_id = locked.delivery_id""", List.of(ids, ids,
                    attempts.values().toArray(Integer[]::new),
                    last.values().stream().map(d -> AuditTrail.Change.time(d.at().toInstant())).toArray(String[]::new)))),
                    batch.stream().map(Delivered::disclosed).toList());
            clocks.afterDeliveredAll(batch.stream().filter(Delivered::clocked).map(Delivered::deliveryId).distinct().toList());
        });
    }

    public void markFailedAttempt(UUID deliveryId, String reason) {
        relaxed(() -> jdbc.update("""
                update delivery set state = 'FAILED', attempts = attempts + 1, last_error = ?, updated_at = ?
                where delivery_id = ? and state in ('QUEUED', 'FAILED')""", reason, Timestamp.from(Instant.now()), deliveryId));
    }

    /**
     * Committed synchronously: a per-child sequence waits for this copy until it is delivered or dead-lettered, so a
     * dead letter whose state a crash lost would hold the child's later copies back.
     */
    public void markDeadLettered(UUID deliveryId, String reason) {
        jdbc.update("""
                update delivery set state = 'DEAD_LETTERED', attempts = attempts + 1, last_error = ?, updated_at = ?
                where delivery_id = ? and state not in ('DELIVERED', 'ERASED')""", reason, Timestamp.from(Instant.now()), deliveryId);
    }

    /** Copies stored and waiting to be handed to the broker. */
    public long countUndispatched() {
        Long count = jdbc.queryForObject("select count(*) from delivery where not dispatched and state in ('QUEUED', 'FAILED')", Long.class);
        return count == null ? 0 : count;
    }

    /**
     * Copies still not handed to the broker, for the sweep: those no dispatcher has claimed, stored longer than
     * {@code olderThan} ago (a younger one may still be in a live node's queue), and those whose claim is older than
     * {@code claimTimeout}, however young the copy (its node died in the middle of sending it). A claim is held only
     * for one send to the broker, so a dead node's copies are taken over within claim-timeout and a sweep interval.
     * A copy held in its child's sequence ({@link ChildSequence}) is taken only once no earlier copy is waiting (its
     * release was lost in a crash).
     */
    public List<DeliveryOrder> undispatched(Duration olderThan, Duration claimTimeout, int limit) {
        return jdbc.query("""
                select d.delivery_id, d.tracking_id, d.recipient, r.event, r.message_id,
                       exists (select 1 from record_clock c where c.tracking_id = d.tracking_id and c.rule_id = any (?)), d.child_key
                from delivery d join intake_record r on r.tracking_id = d.tracking_id
                where not d.dispatched and d.state in ('QUEUED', 'FAILED')
                  and ((d.claimed_at is null and d.created_at < ?) or d.claimed_at < now() - make_interval(secs => ?))
                  and (not d.held or not %s)
                order by d.created_at limit ?""".formatted(ChildSequence.EARLIER_WAITING),
                (rs, i) -> new DeliveryOrder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getBoolean(6), rs.getString(7)),
                urgentLane.rules(), Timestamp.from(Instant.now().minus(olderThan)), seconds(claimTimeout), limit);
    }

    public Optional<RecordStatus> status(UUID trackingId) {
        List<RecordStatus> records = jdbc.query(
                "select tracking_id, sender, message_id, event, received_at, retain_until, erased_at from intake_record where tracking_id = ?",
                (rs, i) -> new RecordStatus(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), null, null,
                        rs.getTimestamp(7) == null ? RecordStatus.PayloadState.SEALED : RecordStatus.PayloadState.ERASED,
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(),
                        rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant()), trackingId);
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
                record.receivedAt(), recipients, decisions, record.payload(), record.retainUntil(), record.erasedAt()));
    }

    private void relaxed(Runnable update) {
        transaction.executeWithoutResult(status -> {
            jdbc.execute("set local synchronous_commit = off");
            update.run();
        });
    }
}
