package org.carebridge.gateway.record;

import java.util.UUID;

/**
 * What the broker carries for one copy: references only, never the record itself. An urgent copy (see
 * {@link UrgentLane}) goes ahead of bulk copies to the same partner.
 */
public record DeliveryOrder(UUID deliveryId, UUID trackingId, String recipient, String event, String messageId, boolean urgent) {

    public DeliveryOrder(UUID deliveryId, UUID trackingId, String recipient, String event, String messageId) {
        this(deliveryId, trackingId, recipient, event, messageId, false);
    }

    public DeliveryOrder asUrgent() {
        return new DeliveryOrder(deliveryId, trackingId, recipient, event, messageId, true);
    }
}
