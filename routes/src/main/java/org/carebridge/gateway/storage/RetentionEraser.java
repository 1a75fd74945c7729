package org.carebridge.gateway.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Ends records whose retention has run out: destroys their data keys (the sealed payloads stay, unreadable), marks them
 * erased, withdraws copies not yet delivered, clears what else is personal (override assertions stored in the clear,
 * the link from monitoring facts, encrypted identifiers no live record needs), and writes an audit entry per record.
 * Decisions and audit entries, which hold no personal data, remain. Rows are claimed with {@code for update skip locked}, so several nodes can run it at once.
 */
@Component
public class RetentionEraser {

    private static final Logger log = LoggerFactory.getLogger(RetentionEraser.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final AuditTrail audit;
    private final Clock clock;
    private final int batch;
    private final Counter erasedCounter;

    public RetentionEraser(JdbcTemplate jdbc, TransactionTemplate transaction, AuditTrail audit, StorageProperties storage,
                           ObjectProvider<Clock> clock, MeterRegistry meters) {
        this.erasedCounter = Counter.builder("carebridge.retention.erased")
                .description("Records whose data keys were destroyed at the end of retention").register(meters);
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.audit = audit;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.batch = Math.max(1, storage.eraseBatch());
    }

    public void eraseDue() {
        int erased = eraseDue(clock.instant());
        if (erased > 0) {
            log.info("Retention ended for {} records: their data keys are destroyed", erased);
        }
    }

    /** Erases every record whose retain-until is at or before {@code now}; returns how many. */
    public int eraseDue(Instant now) {
        int total = 0;
        int erased;
        do {
            erased = eraseBatch(now);
            erasedCounter.increment(erased);
            total += erased;
        } while (erased == batch);
        if (total > 0) {
            // Drop the deleted key rows' old versions from the table files now rather than at the next autovacuum.
            // (A non-owner role gets a warning here, not an error.)
            try {
                jdbc.execute("vacuum data_key, audit_subject_value, override_review, decision, monitoring_fact");
            } catch (RuntimeException e) {
                log.debug("vacuum after erasure skipped: {}", e.getClass().getSimpleName());
            }
        }
        return total;
    }

    private int eraseBatch(Instant now) {
        Integer count = transaction.execute(status -> {
            Timestamp at = Timestamp.from(now);
            List<UUID> due = jdbc.queryForList("""
                    select tracking_id from intake_record
                    where erased_at is null and retain_until <= ?
                    order by retain_until limit ? for update skip locked""", UUID.class, at, batch);
            if (due.isEmpty()) {
                return 0;
            }
            UUID[] ids = due.toArray(UUID[]::new);
            // the records' copies, locked in the one order every statement on many copies takes (no deadlock with the
            // dispatcher or the consumers), before the two updates below change them
            jdbc.queryForList("select delivery_id from delivery where tracking_id = any (?) order by delivery_id for no key update",
                    UUID.class, (Object) ids);
            jdbc.update("delete from data_key where tracking_id = any (?)", (Object) ids);
            jdbc.update("update intake_record set erased_at = ? where tracking_id = any (?)", at, ids);
            List<Object[]> withdrawn = jdbc.query("""
                    update delivery set state = 'ERASED', updated_at = ?
                    where tracking_id = any (?) and state not in ('DELIVERED', 'ERASED')
                    returning tracking_id""", (rs, i) -> new Object[]{rs.getObject(1, UUID.class)}, at, ids);
            eraseOutsidePayloads(ids);
            List<AuditFact> facts = new ArrayList<>();
            Set<String> subjects = new TreeSet<>();
            for (UUID id : due) {
                long undelivered = withdrawn.stream().filter(row -> id.equals(row[0])).count();
                List<String> keys = subjectKeysOf(id);
                subjects.addAll(keys);
                facts.add(new AuditFact(now, AuditKind.ERASED, "gateway", "retention", id.toString(), null, null, null, null,
                        "erased", "retention ended; data key destroyed; " + undelivered + " undelivered copies withdrawn",
                        keys));
            }
            forgetIdentifiers(subjects);
            audit.recordAll(facts);
            return due.size();
        });
        return count == null ? 0 : count;
    }

    /**
     * What is personal about a record outside its sealed payloads: rows stored before override assertions were sealed
     * keep them in the clear (and the asserting practitioner in the decision's explanation); monitoring facts stay for
     * the monthly counts, no longer linked to the record.
     */
    private void eraseOutsidePayloads(UUID[] ids) {
        jdbc.update("""
                update override_review set asserted_by = null, asserted_role = null, reason = null, review_note = null
                where tracking_id = any (?) and (asserted_by is not null or asserted_role is not null or reason is not null
                                                 or review_note is not null)""", (Object) ids);
        jdbc.update("""
                update decision
                set explanation = regexp_replace(explanation,
                        ', on a safeguarding override asserted by .*?(?=, although the subject |; queued for )', ', on a safeguarding override')
                where tracking_id = any (?) and outcome = 'PERMIT_BY_OVERRIDE' and explanation like '%override asserted by %'""",
                (Object) ids);
        jdbc.update("update monitoring_fact set tracking_id = null where tracking_id = any (?)", (Object) ids);
        // the copies' message group, a keyed hash of the child; a copy held behind one of these goes on at the next sweep
        jdbc.update("update delivery set child_key = null where tracking_id = any (?) and child_key is not null", (Object) ids);
    }

    /**
     * Deletes the encrypted identifiers behind these subject keys that no live record and no consent change still
     * carries. {@code audit_subject_value} is outside the hash chain, so the ledger still verifies; its entries keep the
     * keyed hashes. The rows are locked first: {@link org.carebridge.gateway.audit.SubjectKeys#keep} holds a share lock
     * on the row of each key it stores, so a record for the same child stored meanwhile is either seen here or re-inserts
     * its identifier.
     */
    private void forgetIdentifiers(Set<String> subjectKeys) {
        if (subjectKeys.isEmpty()) {
            return;
        }
        String[] keys = subjectKeys.toArray(String[]::new);
        jdbc.queryForList("select subject_key from audit_subject_value where subject_key = any (?) order by subject_key for update",
                String.class, (Object) keys);
        jdbc.update("""
                delete from audit_subject_value v
                where v.subject_key = any (?)
                  and not exists (select 1 from audit_entry e join intake_record r on r.tracking_id::text = e.tracking_id
                                  where e.kind = 'RECEIVED' and e.subject_keys @> array[v.subject_key] and r.erased_at is null)
                  and not exists (select 1 from audit_outbox e join intake_record r on r.tracking_id::text = e.tracking_id
                                  where e.kind = 'RECEIVED' and e.subject_keys @> array[v.subject_key] and r.erased_at is null)
                  and not exists (select 1 from audit_entry e where e.kind = 'CONSENT_CHANGED' and e.subject_keys @> array[v.subject_key])
                  and not exists (select 1 from audit_outbox e where e.kind = 'CONSENT_CHANGED' and e.subject_keys @> array[v.subject_key])""",
                (Object) keys);
    }

    /** The keyed subject hashes the record's receipt entry carried, so IG finds the erasure under the child too. */
    private List<String> subjectKeysOf(UUID trackingId) {
        List<List<String>> found = jdbc.query("""
                select subject_keys from (
                    select subject_keys, 0 as o from audit_entry where tracking_id = ? and kind = 'RECEIVED'
                    union all
                    select subject_keys, 1 as o from audit_outbox where tracking_id = ? and kind = 'RECEIVED'
                ) s order by o limit 1""", (rs, i) -> {
            Array array = rs.getArray(1);
            return Arrays.asList((String[]) array.getArray());
        }, trackingId.toString(), trackingId.toString());
        return found.isEmpty() ? List.of() : found.get(0);
    }
}
