package org.carebridge.gateway.ig;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.record.OverrideAssertions;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * IG review of a share made on a safeguarding override: the review and its audit fact commit together. A not-agreed
 * override is then followed by a {@link CopyWithdrawal}: the recipient is told to delete its copy.
 */
@Component
public class IgOverrideReviews {

    public enum Result { REVIEWED, NOT_FOUND, ALREADY_REVIEWED, RECORD_ERASED }

    public static final String AGREED = "AGREED";
    public static final String NOT_AGREED = "NOT_AGREED";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final AuditTrail audit;
    private final OverrideAssertions assertions;

    private final CopyWithdrawal withdrawal;

    IgOverrideReviews(JdbcTemplate jdbc, TransactionTemplate transaction, AuditTrail audit, OverrideAssertions assertions,
                      CopyWithdrawal withdrawal) {
        this.withdrawal = withdrawal;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.audit = audit;
        this.assertions = assertions;
    }

    /** @param status AGREED or NOT_AGREED */
    public Result review(UUID overrideId, String status, String note, String reviewer, String reviewerRole) {
        Result result = recordReview(overrideId, status, note, reviewer, reviewerRole);
        if (result == Result.REVIEWED && NOT_AGREED.equals(status)) {
            try {
                withdrawal.send(overrideId);
            } catch (RuntimeException e) {
                // the review stands; CopyWithdrawal.sendOutstanding retries
                org.slf4j.LoggerFactory.getLogger(IgOverrideReviews.class).warn("Copy-withdrawal for override {} not sent yet ({}); retried later",
                        overrideId, e.getClass().getSimpleName());
            }
        }
        return result;
    }

    private Result recordReview(UUID overrideId, String status, String note, String reviewer, String reviewerRole) {
        return transaction.execute(tx -> {
            Instant now = Instant.now();
            List<UUID> owner = jdbc.queryForList("select tracking_id from override_review where override_id = ? for update",
                    UUID.class, overrideId);
            if (owner.isEmpty()) {
                return Result.NOT_FOUND;
            }
            // The note may say anything about the child: it is sealed with the record and ends with it.
            Optional<byte[]> sealedNote = assertions.sealNote(owner.get(0), overrideId, note);
            if (sealedNote.isEmpty()) {
                return Result.RECORD_ERASED;
            }
            List<Object[]> updated = jdbc.query("""
                    update override_review o set status = ?, reviewed_by = ?, reviewed_at = ?, sealed_note = ?
                    from decision d
                    where o.override_id = ? and o.status = 'PENDING' and d.decision_id = o.decision_id
                    returning o.tracking_id, o.recipient, d.agreement_id, d.agreement_version, d.lawful_basis""",
                    (rs, i) -> new Object[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4), rs.getString(5)},
                    status, reviewer, Timestamp.from(now), sealedNote.get(), overrideId);
            if (updated.isEmpty()) {
                return Result.ALREADY_REVIEWED;
            }
            Object[] row = updated.get(0);
            audit.record(AuditFact.of(AuditKind.OVERRIDE_REVIEWED, reviewer, reviewerRole).tracking((String) row[0])
                    .recipient((String) row[1]).agreement((String) row[2], (Integer) row[3], (String) row[4])
                    .outcome(status, "override " + overrideId));
            return Result.REVIEWED;
        });
    }
}
