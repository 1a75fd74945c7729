package org.carebridge.gateway.record;

import org.carebridge.gateway.agreement.AgreementRef;

import java.time.Instant;
import java.util.UUID;

/**
 * A copy about to be sent: the order, the payload, when its record was received (for latency) and the agreement it is
 * shared under (which decides whether it may travel unsealed).
 */
public record PendingDelivery(DeliveryOrder order, byte[] payload, Instant receivedAt, AgreementRef agreement) {

    public UUID deliveryId() {
        return order.deliveryId();
    }
}
