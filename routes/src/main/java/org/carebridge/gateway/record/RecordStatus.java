package org.carebridge.gateway.record;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a sender may see about its record: each permitted recipient's delivery state, and the decision for every
 * candidate recipient with the agreement, rule, lawful basis and consent behind it, in words; and whether the payload
 * is still held or was erased when its retention ended.
 */
public record RecordStatus(UUID trackingId, String sender, String messageId, String event, Instant receivedAt,
                           List<RecipientStatus> recipients, List<DecisionStatus> decisions, PayloadState payload,
                           Instant retainUntil, Instant erasedAt) {

    /** SEALED: stored encrypted until {@code retainUntil}; ERASED: its data key was destroyed when retention ended. */
    public enum PayloadState { SEALED, ERASED }

    public record RecipientStatus(String recipient, String agreement, int agreementVersion, String rule, DeliveryState state,
                                  int attempts, Instant deliveredAt, String lastError) {
    }

    public record DecisionStatus(String recipient, String outcome, String reason, String explanation, String agreement,
                                 int agreementVersion, String rule, String lawfulBasis, String consent, String profile) {
    }
}
