package org.carebridge.gateway.record;

import java.util.UUID;

/** What the broker carries for one copy: references only, never the record itself. */
public record DeliveryOrder(UUID deliveryId, UUID trackingId, String recipient, String event, String messageId) {
}
