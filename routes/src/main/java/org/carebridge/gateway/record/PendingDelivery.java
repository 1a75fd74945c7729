package org.carebridge.gateway.record;

import java.time.Instant;
import java.util.UUID;

/** A copy about to be sent: the order, the payload, and when its record was received (for latency). */
public record PendingDelivery(DeliveryOrder order, byte[] payload, Instant receivedAt) {

    public UUID deliveryId() {
        return order.deliveryId();
    }
}
