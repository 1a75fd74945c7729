package org.carebridge.gateway.record;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What a sender may see about its record: each recipient's state. */
public record RecordStatus(UUID trackingId, String sender, String messageId, String event, Instant receivedAt,
                           List<RecipientStatus> recipients) {

    public record RecipientStatus(String recipient, String agreement, int agreementVersion, String rule, DeliveryState state,
                                  int attempts, Instant deliveredAt, String lastError) {
    }
}
