package org.carebridge.gateway.record;

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

    void afterDelivered(UUID deliveryId);

    /** As {@link #afterDelivered} for each copy, in the caller's transaction, in the order given. */
    default void afterDeliveredAll(List<UUID> deliveryIds) {
        deliveryIds.forEach(this::afterDelivered);
    }
}
