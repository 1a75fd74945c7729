package org.carebridge.gateway.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Records stored before payloads were sealed (no retain-until, no data key) are sealed at start and then at intervals:
 * each gets a data key, its original and copies are replaced by ciphertext, and its retain-until is set from the
 * agreements its copies went under. Until then a delivery sends such a copy as stored.
 */
@Component
public class LegacyPayloadSealer {

    private static final Logger log = LoggerFactory.getLogger(LegacyPayloadSealer.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final PayloadVault vault;
    private final RetentionPolicy retention;
    private final int batch;

    public LegacyPayloadSealer(JdbcTemplate jdbc, TransactionTemplate transaction, PayloadVault vault, RetentionPolicy retention,
                               StorageProperties storage) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.vault = vault;
        this.retention = retention;
        this.batch = Math.max(1, storage.eraseBatch());
    }

    @EventListener(ApplicationReadyEvent.class)
    public void sealLegacy() {
        int total = 0;
        Integer sealed;
        do {
            sealed = transaction.execute(status -> sealBatch());
            total += sealed == null ? 0 : sealed;
        } while (sealed != null && sealed == batch);
        if (total > 0) {
            log.info("Sealed the payloads of {} records stored before encryption at rest", total);
        }
    }

    private int sealBatch() {
        List<Object[]> records = jdbc.query("""
                select tracking_id, received_at, payload from intake_record r
                where retain_until is null and erased_at is null
                  and not exists (select 1 from data_key k where k.tracking_id = r.tracking_id)
                limit ? for update skip locked""",
                (rs, i) -> new Object[]{rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(), rs.getBytes(3)}, batch);
        for (Object[] row : records) {
            UUID trackingId = (UUID) row[0];
            Instant receivedAt = (Instant) row[1];
            PayloadVault.RecordKey key = vault.newKey(trackingId);
            List<RetentionPolicy.AgreementVersion> sharedUnder = jdbc.query(
                    "select agreement_id, agreement_version from delivery where tracking_id = ?",
                    (rs, i) -> new RetentionPolicy.AgreementVersion(rs.getString(1), rs.getInt(2)), trackingId);
            List<Object[]> copies = jdbc.query("select delivery_id, payload from delivery where tracking_id = ? and payload is not null",
                    (rs, i) -> new Object[]{rs.getObject(1, UUID.class), rs.getBytes(2)}, trackingId);
            for (Object[] copy : copies) {
                UUID deliveryId = (UUID) copy[0];
                jdbc.update("update delivery set payload = ? where delivery_id = ?",
                        key.seal((byte[]) copy[1], PayloadVault.deliveryPlace(deliveryId)), deliveryId);
            }
            jdbc.update("update intake_record set payload = ?, retain_until = ? where tracking_id = ?",
                    key.seal((byte[]) row[2], PayloadVault.recordPlace(trackingId)),
                    Timestamp.from(retention.retainUntilUnder(receivedAt, sharedUnder)), trackingId);
            vault.store(key, Instant.now());
        }
        return records.size();
    }
}
