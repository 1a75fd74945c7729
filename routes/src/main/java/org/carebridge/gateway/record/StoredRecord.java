package org.carebridge.gateway.record;

import java.util.List;
import java.util.UUID;

/**
 * A record durably stored, with one delivery order per recipient.
 *
 * @param duplicate the sender had already sent this message id; nothing new was stored
 */
public record StoredRecord(UUID trackingId, String event, List<DeliveryOrder> deliveries, boolean duplicate) {
}
