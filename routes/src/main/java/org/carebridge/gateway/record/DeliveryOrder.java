package org.carebridge.gateway.record;

import java.util.UUID;

/**
 * What the broker carries for one copy: references only, never the record itself. An urgent copy (see
 * {@link UrgentLane}) goes ahead of bulk copies to the same partner.
 *
 * @param childKey the copy's message group for a partner that needs per-child order ({@link ChildKeys}), or null: a
 *                 keyed hash, never an identifier of the child
 */
public record DeliveryOrder(UUID deliveryId, UUID trackingId, String recipient, String event, String messageId, boolean urgent,
                            String childKey) {

    public DeliveryOrder(UUID deliveryId, UUID trackingId, String recipient, String event, String messageId) {
        this(deliveryId, trackingId, recipient, event, messageId, false);
    }

    public DeliveryOrder(UUID deliveryId, UUID trackingId, String recipient, String event, String messageId, boolean urgent) {
        this(deliveryId, trackingId, recipient, event, messageId, urgent, null);
    }

    public DeliveryOrder asUrgent() {
        return new DeliveryOrder(deliveryId, trackingId, recipient, event, messageId, true, childKey);
    }
}
