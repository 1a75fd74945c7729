package org.carebridge.gateway.ig;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** IG review of a share made on a safeguarding override: the review and its audit fact commit together. */
@Component
class IgOverrideReviews {

    enum Result { REVIEWED, NOT_FOUND, ALREADY_REVIEWED }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final AuditTrail audit;

    IgOverrideReviews(JdbcTemplate jdbc, TransactionTemplate transaction, AuditTrail audit) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.audit = audit;
    }

    /** @param status AGREED or NOT_AGREED */
    Result review(UUID overrideId, String status, String note, String reviewer, String reviewerRole) {
        return transaction.execute(tx -> {
            Instant now = Instant.now();
            List<Object[]> updated = jdbc.query("""
                    update override_review o set status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?
                    from decision d
                    where o.override_id = ? and o.status = 'PENDING' and d.decision_id = o.decision_id
                    returning o.tracking_id, o.recipient, d.agreement_id, d.agreement_version, d.lawful_basis""",
                    (rs, i) -> new Object[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4), rs.getString(5)},
                    status, reviewer, Timestamp.from(now), note, overrideId);
            if (updated.isEmpty()) {
                Integer exists = jdbc.queryForObject("select count(*) from override_review where override_id = ?", Integer.class, overrideId);
                return exists != null && exists > 0 ? Result.ALREADY_REVIEWED : Result.NOT_FOUND;
            }
            Object[] row = updated.get(0);
            audit.record(AuditFact.of(AuditKind.OVERRIDE_REVIEWED, reviewer, reviewerRole).tracking((String) row[0])
                    .recipient((String) row[1]).agreement((String) row[2], (Integer) row[3], (String) row[4])
                    .outcome(status, "override " + overrideId));
            return Result.REVIEWED;
        });
    }
}
