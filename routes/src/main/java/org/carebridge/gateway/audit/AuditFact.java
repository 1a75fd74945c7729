package org.carebridge.gateway.audit;

import java.time.Instant;
import java.util.List;

/** Metadata about one event, never payload content. Subjects are keyed hashes, not identifiers. */
public record AuditFact(Instant time, AuditKind kind, String actor, String actorRole, String trackingId, String agreementId,
                        Integer agreementVersion, String lawfulBasis, String recipient, String outcome, String reason,
                        List<String> subjectKeys) {

    public static AuditFact of(AuditKind kind, String actor, String actorRole) {
        return new AuditFact(Instant.now(), kind, actor, actorRole, null, null, null, null, null, null, null, List.of());
    }

    public AuditFact tracking(String trackingId) {
        return new AuditFact(time, kind, actor, actorRole, trackingId, agreementId, agreementVersion, lawfulBasis, recipient, outcome, reason, subjectKeys);
    }

    public AuditFact agreement(String id, Integer version, String basis) {
        return new AuditFact(time, kind, actor, actorRole, trackingId, id, version, basis, recipient, outcome, reason, subjectKeys);
    }

    public AuditFact recipient(String recipient) {
        return new AuditFact(time, kind, actor, actorRole, trackingId, agreementId, agreementVersion, lawfulBasis, recipient, outcome, reason, subjectKeys);
    }

    public AuditFact outcome(String outcome, String reason) {
        return new AuditFact(time, kind, actor, actorRole, trackingId, agreementId, agreementVersion, lawfulBasis, recipient, outcome, reason, subjectKeys);
    }

    public AuditFact subjects(List<String> keys) {
        return new AuditFact(time, kind, actor, actorRole, trackingId, agreementId, agreementVersion, lawfulBasis, recipient, outcome, reason, List.copyOf(keys));
    }
}
