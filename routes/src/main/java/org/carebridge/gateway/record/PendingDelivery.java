package org.carebridge.gateway.record;

import org.carebridge.gateway.agreement.AgreementRef;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A copy about to be sent: the order, the payload, when its record was received (for latency) and the agreement it is
 * shared under (which decides whether it may travel unsealed). {@code clocked} says whether its record had a running
 * clock when the copy was loaded (without one, delivering it cannot stop a clock); {@code checkedForErasure} holds
 * whether the load just checked that the record was not erased, which only the first attempt may rely on.
 */
public record PendingDelivery(DeliveryOrder order, byte[] payload, Instant receivedAt, AgreementRef agreement, boolean clocked,
                              AtomicBoolean checkedForErasure) {

    /** A copy whose clock and erasure are checked at every attempt. */
    public PendingDelivery(DeliveryOrder order, byte[] payload, Instant receivedAt, AgreementRef agreement) {
        this(order, payload, receivedAt, agreement, true, new AtomicBoolean(false));
    }

    public UUID deliveryId() {
        return order.deliveryId();
    }

    /** True once: for the first attempt after a load that found the record not erased; a retry must check again. */
    public boolean freshlyCheckedForErasure() {
        return checkedForErasure.getAndSet(false);
    }
}
