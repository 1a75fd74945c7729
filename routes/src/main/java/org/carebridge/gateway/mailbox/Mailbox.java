package org.carebridge.gateway.mailbox;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.record.PendingDelivery;
import org.carebridge.gateway.record.RecordDeadlines;
import org.carebridge.gateway.seal.CopyProtection.ProtectedCopy;
import org.carebridge.gateway.storage.PayloadVault;
import org.carebridge.security.partner.Partner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The partners' mailboxes on the gateway, MESH-style: a copy for a partner that cannot accept inbound connections is
 * sealed as for HTTPS and deposited here; the partner lists, downloads and acknowledges it over mutual TLS.
 * <p>
 * When the disclosure happens: depositing is not one (the copy is still on the gateway), so it is recorded as
 * MAILBOX_DEPOSITED and the record's clock keeps running. The first download is: the gateway releases the copy to the
 * partner's authenticated connection, so the delivery becomes DELIVERED and its DISCLOSED fact is written in the same
 * transaction, committed before a byte is sent (never a copy out without its fact; if the bytes are lost on the way
 * the partner downloads again). The acknowledgement is the partner's receipt, which removes the message; a message
 * never downloaded in time expires, its delivery becomes EXPIRED, and that is the non-delivery report the sender
 * reads in its record status.
 */
@Component("mailbox")
public class Mailbox {

    public static final String ACTOR_ROLE = "partner";

    /** One message as its inbox lists it: metadata only. */
    public record Entry(UUID id, String event, int size, Instant depositedAt, Instant downloadedAt) {
    }

    public record Page(List<Entry> messages, int page, int size, long total) {
    }

    /** A downloaded message: the copy exactly as it would have been posted. */
    public record Download(UUID id, UUID trackingId, String messageId, String event, String contentType, byte[] body,
                           boolean first, Instant receivedAt) {
    }

    public interface Fetched {
    }

    public record Found(Download download) implements Fetched {
    }

    /** The record's retention ended while the message waited: its data key is gone, so the message was removed. */
    public record Withdrawn() implements Fetched {
    }

    public record Missing() implements Fetched {
    }

    public enum Acknowledgement { ACKNOWLEDGED, NOT_FOUND, NOT_DOWNLOADED }

    public record Depth(String partnerId, long messages, Instant oldest) {
    }

    public record Expiry(int nonDelivered, int unacknowledged) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final PayloadVault vault;
    private final AuditTrail audit;
    private final RecordDeadlines clocks;
    private final Duration expireAfter;
    private final int expiryBatch = 500;

    public Mailbox(JdbcTemplate jdbc, TransactionTemplate transaction, PayloadVault vault, AuditTrail audit, RecordDeadlines clocks,
                   MailboxProperties properties) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.vault = vault;
        this.audit = audit;
        this.clocks = clocks;
        this.expireAfter = properties.expireAfter();
    }

    public Duration expireAfter() {
        return expireAfter;
    }

    /**
     * Deposits the protected copy, moving its delivery to IN_MAILBOX with its MAILBOX_DEPOSITED fact in one transaction.
     *
     * @return false when it was already deposited (the queue redelivered its order) or is no longer to be delivered
     */
    public boolean deposit(PendingDelivery delivery, Partner partner, ProtectedCopy copy) {
        UUID deliveryId = delivery.order().deliveryId();
        UUID trackingId = delivery.order().trackingId();
        Optional<byte[]> underKey = vault.sealUnderRecord(trackingId, copy.body(), place(deliveryId));
        Timestamp now = Timestamp.from(Instant.now());
        Boolean deposited = transaction.execute(status -> {
            int moved = jdbc.update("""
                    update delivery set state = 'IN_MAILBOX', attempts = attempts + 1, updated_at = ?, last_error = null
                    where delivery_id = ? and state in ('QUEUED', 'FAILED', 'DEAD_LETTERED')""", now, deliveryId);
            if (moved == 0) {
                return false;
            }
            jdbc.update("""
                    insert into mailbox_message (delivery_id, recipient, tracking_id, message_id, event, content_type, protection,
                                                 size_bytes, body, under_record_key, deposited_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    deliveryId, partner.id(), trackingId, delivery.order().messageId(), delivery.order().event(),
                    copy.contentType(), copy.protection(), copy.body().length, underKey.orElse(copy.body()), underKey.isPresent(), now);
            audit.record(AuditFact.of(AuditKind.MAILBOX_DEPOSITED, "gateway", "delivery")
                    .tracking(trackingId.toString()).recipient(partner.id())
                    .outcome("deposited", delivery.order().event() + "; " + copy.protection() + "; mailbox message " + deliveryId));
            return true;
        });
        return Boolean.TRUE.equals(deposited);
    }

    /** One page of the partner's inbox, oldest first, and its MAILBOX_LISTED fact. */
    public Page inbox(Partner partner, int page, int size) {
        List<Entry> entries = jdbc.query("""
                select delivery_id, event, size_bytes, deposited_at, downloaded_at from mailbox_message
                where recipient = ? order by deposited_at, delivery_id limit ? offset ?""",
                (rs, i) -> new Entry(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3), rs.getTimestamp(4).toInstant(),
                        rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant()),
                partner.id(), size, (long) page * size);
        Long total = jdbc.queryForObject("select count(*) from mailbox_message where recipient = ?", Long.class, partner.id());
        audit.record(AuditFact.of(AuditKind.MAILBOX_LISTED, partner.id(), ACTOR_ROLE).recipient(partner.id())
                .outcome("listed", "page " + page + " of size " + size + ": " + entries.size() + " of " + total + " message(s)"));
        return new Page(entries, page, size, total == null ? 0 : total);
    }

    /** A message from the partner's own mailbox; another partner's id is {@link Missing}, as is an unknown one. */
    public Fetched download(Partner partner, UUID id) {
        return transaction.execute(status -> {
            record Row(UUID trackingId, String messageId, String event, String contentType, String protection, byte[] body,
                       boolean underKey, Instant downloadedAt, int downloads, Instant receivedAt) {
            }
            List<Row> rows = jdbc.query("""
                    select m.tracking_id, m.message_id, m.event, m.content_type, m.protection, m.body, m.under_record_key,
                           m.downloaded_at, m.downloads, r.received_at
                    from mailbox_message m join intake_record r on r.tracking_id = m.tracking_id
                    where m.delivery_id = ? and m.recipient = ? for update of m""",
                    (rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getBytes(6), rs.getBoolean(7),
                            rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant(), rs.getInt(9),
                            rs.getTimestamp(10).toInstant()),
                    id, partner.id());
            if (rows.isEmpty()) {
                return new Missing();
            }
            Row row = rows.get(0);
            byte[] body = row.underKey() ? vault.openUnderRecord(row.trackingId(), row.body(), place(id)).orElse(null) : row.body();
            if (body == null) {
                jdbc.update("delete from mailbox_message where delivery_id = ?", id);
                audit.record(AuditFact.of(AuditKind.MAILBOX_EXPIRED, "gateway", "retention").tracking(row.trackingId().toString())
                        .recipient(partner.id()).outcome("withdrawn", "the record's retention ended while the message waited; mailbox message " + id));
                return new Withdrawn();
            }
            Timestamp now = Timestamp.from(Instant.now());
            jdbc.update("update mailbox_message set downloaded_at = coalesce(downloaded_at, ?), downloads = downloads + 1 where delivery_id = ?",
                    now, id);
            boolean first = row.downloadedAt() == null;
            if (first) {
                jdbc.update("""
                        update delivery set state = 'DELIVERED', delivered_at = ?, updated_at = ?, last_error = null
                        where delivery_id = ? and state = 'IN_MAILBOX'""", now, now, id);
                audit.record(AuditFact.of(AuditKind.DISCLOSED, "gateway", "delivery").tracking(row.trackingId().toString())
                        .recipient(partner.id()).outcome("delivered", row.event() + "; " + row.protection() + "; downloaded from its mailbox"));
                clocks.afterDelivered(id);
            }
            audit.record(AuditFact.of(AuditKind.MAILBOX_DOWNLOADED, partner.id(), ACTOR_ROLE).tracking(row.trackingId().toString())
                    .recipient(partner.id()).outcome("downloaded", "download " + (row.downloads() + 1) + "; mailbox message " + id));
            return new Found(new Download(id, row.trackingId(), row.messageId(), row.event(), row.contentType(), body, first,
                    row.receivedAt()));
        });
    }

    /** Removes a downloaded message from the partner's own mailbox; one never downloaded stays (its receipt is not yet true). */
    public Acknowledgement acknowledge(Partner partner, UUID id) {
        return transaction.execute(status -> {
            List<Object[]> rows = jdbc.query("""
                    select tracking_id, downloaded_at from mailbox_message where delivery_id = ? and recipient = ? for update""",
                    (rs, i) -> new Object[]{rs.getObject(1, UUID.class), rs.getTimestamp(2)}, id, partner.id());
            if (rows.isEmpty()) {
                return Acknowledgement.NOT_FOUND;
            }
            if (rows.get(0)[1] == null) {
                return Acknowledgement.NOT_DOWNLOADED;
            }
            jdbc.update("delete from mailbox_message where delivery_id = ?", id);
            audit.record(AuditFact.of(AuditKind.MAILBOX_ACKNOWLEDGED, partner.id(), ACTOR_ROLE).tracking(rows.get(0)[0].toString())
                    .recipient(partner.id()).outcome("acknowledged", "mailbox message " + id));
            return Acknowledgement.ACKNOWLEDGED;
        });
    }

    /**
     * Removes every message deposited at least {@code expire-after} before {@code now} and not acknowledged. One never
     * downloaded was not delivered: its delivery becomes EXPIRED, which the sender reads as the non-delivery report in its
     * record status. One downloaded but not acknowledged was delivered (its DISCLOSED fact stands): it is removed, with
     * no non-delivery report, since the recipient has it.
     */
    public Expiry expire(Instant now) {
        withdrawErased();
        Timestamp cutoff = Timestamp.from(now.minus(expireAfter));
        Timestamp at = Timestamp.from(now);
        int nonDelivered = 0;
        int unacknowledged = 0;
        while (true) {
            int[] batch = transaction.execute(status -> {
                record Due(UUID id, String recipient, UUID trackingId, String event, boolean downloaded, String sender) {
                }
                List<Due> due = jdbc.query("""
                        select m.delivery_id, m.recipient, m.tracking_id, m.event, m.downloaded_at is not null, r.sender
                        from mailbox_message m join intake_record r on r.tracking_id = m.tracking_id
                        where m.deposited_at <= ? order by m.deposited_at limit ? for update of m skip locked""",
                        (rs, i) -> new Due(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class),
                                rs.getString(4), rs.getBoolean(5), rs.getString(6)),
                        cutoff, expiryBatch);
                int expired = 0;
                int removed = 0;
                List<AuditFact> facts = new ArrayList<>();
                for (Due d : due) {
                    jdbc.update("delete from mailbox_message where delivery_id = ?", d.id());
                    AuditFact fact = AuditFact.of(AuditKind.MAILBOX_EXPIRED, "gateway", "mailbox").tracking(d.trackingId().toString())
                            .recipient(d.recipient());
                    if (d.downloaded()) {
                        removed++;
                        facts.add(fact.outcome("expired-unacknowledged", "downloaded but not acknowledged within " + expireAfter
                                + "; removed from the mailbox; no non-delivery report, the recipient has the copy; mailbox message " + d.id()));
                    } else {
                        expired++;
                        jdbc.update("""
                                update delivery set state = 'EXPIRED', updated_at = ?, last_error = ?
                                where delivery_id = ? and state = 'IN_MAILBOX'""",
                                at, "non-delivery: not downloaded from the recipient's mailbox within " + expireAfter + "; withdrawn", d.id());
                        facts.add(fact.outcome("non-delivery", d.event() + "; not downloaded within " + expireAfter
                                + "; withdrawn; non-delivery reported to " + d.sender() + " in the record's status; mailbox message " + d.id()));
                    }
                }
                audit.recordAll(facts);
                return new int[]{expired, removed, due.size()};
            });
            nonDelivered += batch[0];
            unacknowledged += batch[1];
            if (batch[2] < expiryBatch) {
                return new Expiry(nonDelivered, unacknowledged);
            }
        }
    }

    /** Messages whose record was erased while they waited: unreadable since its data key is gone, and removed. */
    private void withdrawErased() {
        transaction.executeWithoutResult(status -> {
            List<AuditFact> facts = jdbc.query("""
                    delete from mailbox_message m using intake_record r
                    where r.tracking_id = m.tracking_id and r.erased_at is not null
                    returning m.delivery_id, m.recipient, m.tracking_id""",
                    (rs, i) -> AuditFact.of(AuditKind.MAILBOX_EXPIRED, "gateway", "retention").tracking(rs.getString(3))
                            .recipient(rs.getString(2)).outcome("withdrawn",
                                    "the record's retention ended while the message waited; mailbox message " + rs.getString(1)));
            audit.recordAll(facts);
        });
    }

    /** Messages waiting per partner and the oldest one's deposit time; partners with an empty mailbox are absent. */
    public List<Depth> depths() {
        return jdbc.query("select recipient, count(*), min(deposited_at) from mailbox_message group by recipient",
                (rs, i) -> new Depth(rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant()));
    }

    private static String place(UUID deliveryId) {
        return "mailbox:" + deliveryId;
    }
}
