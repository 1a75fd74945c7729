package org.carebridge.gateway.record;

import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.decision.IncomingMessage;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The deadline clocks, as the record store sees them: started in the transaction that stores a record, stopped in the
 * one that marks its last copy delivered. Owned here and implemented by the clocks, so storing a record does not
 * depend on how clocks are kept.
 */
public interface RecordDeadlines {

    /** What the record store reads of a started clock. */
    interface Started {
        String ruleId();
    }

    /** @return the clock started, if a rule applies and there is a permitted recipient */
    Optional<? extends Started> start(UUID trackingId, IncomingMessage message, int permittedRecipients);

    /** A record whose clock is to start: as the arguments of {@link #start}. */
    record Starting(UUID trackingId, IncomingMessage message, int permittedRecipients) {
    }

    /** As {@link #start} for each record, in the caller's transaction, in one batch where the implementation can. */
    default List<Optional<? extends Started>> startAll(List<Starting> records) {
        List<Optional<? extends Started>> started = new java.util.ArrayList<>(records.size());
        records.forEach(r -> started.add(start(r.trackingId(), r.message(), r.permittedRecipients())));
        return started;
    }

    /** The clocks {@link #starting} starts, in the order asked, and the changes that insert them. */
    record Starts(List<Optional<? extends Started>> started, List<AuditTrail.Change> changes) {
    }

    /**
     * As {@link #startAll}, the clocks' rows as changes for the record store to run in the statement that writes the
     * records' rows ({@link AuditTrail#recordAllAfter}); an implementation that cannot inserts them now and returns none.
     */
    default Starts starting(List<Starting> records) {
        return new Starts(startAll(records), List.of());
    }

    void afterDelivered(UUID deliveryId);

    /** As {@link #afterDelivered} for each copy, in the caller's transaction, in the order given. */
    default void afterDeliveredAll(List<UUID> deliveryIds) {
        deliveryIds.forEach(this::afterDelivered);
    }
}
