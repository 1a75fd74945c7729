package org.carebridge.gateway.storage;

import org.carebridge.security.storage.KeyEncryptionKeys;
import org.carebridge.security.storage.PayloadCipher;
import org.carebridge.security.storage.PayloadUnreadable;
import org.carebridge.security.storage.WrappedDataKey;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import javax.crypto.SecretKey;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Records' payloads at rest. Each record gets a fresh AES-256 data key; its original and every recipient's copy are
 * stored sealed under it (AES-256-GCM, bound to their row), and the data key is stored only wrapped under a
 * key-encryption key, in {@code data_key}. Deleting a record's {@code data_key} row makes its payloads unrecoverable.
 */
@Component
public class PayloadVault {

    private final JdbcTemplate jdbc;
    private final KeyEncryptionKeys keks;

    public PayloadVault(JdbcTemplate jdbc, KeyEncryptionKeys keks) {
        this.jdbc = jdbc;
        this.keks = keks;
    }

    /** Where a record's original is stored; sealed payloads open only at the place they were sealed for. */
    public static String recordPlace(UUID trackingId) {
        return "intake_record/" + trackingId;
    }

    public static String deliveryPlace(UUID deliveryId) {
        return "delivery/" + deliveryId;
    }

    /** A fresh data key for a new record, already wrapped for storage. */
    public RecordKey newKey(UUID trackingId) {
        SecretKey dataKey = PayloadCipher.newDataKey();
        return new RecordKey(trackingId, dataKey, keks.wrap(dataKey, trackingId.toString()));
    }

    /** Stores the wrapped data key; call in the transaction that stores the record. */
    public void store(RecordKey key, Instant now) {
        jdbc.update("insert into data_key (tracking_id, kek_id, wrapped_key, created_at) values (?, ?, ?, ?)",
                key.trackingId(), key.wrapped().kekId(), key.wrapped().wrapped(), Timestamp.from(now));
    }

    public Optional<WrappedDataKey> wrappedKey(UUID trackingId) {
        return jdbc.query("select kek_id, wrapped_key from data_key where tracking_id = ?",
                (rs, i) -> new WrappedDataKey(rs.getString(1), rs.getBytes(2)), trackingId).stream().findFirst();
    }

    /** @throws PayloadUnreadable when the KEK is gone or the key or payload was changed or moved */
    public byte[] open(UUID trackingId, WrappedDataKey wrapped, byte[] sealed, String place) {
        return PayloadCipher.open(keks.unwrap(wrapped, trackingId.toString()), sealed, place);
    }

    /** A record's original as received, or empty once its data key is destroyed. */
    public Optional<byte[]> original(UUID trackingId) {
        Optional<WrappedDataKey> wrapped = wrappedKey(trackingId);
        if (wrapped.isEmpty()) {
            return Optional.empty();
        }
        byte[] sealed = jdbc.queryForObject("select payload from intake_record where tracking_id = ?", byte[].class, trackingId);
        return Optional.of(open(trackingId, wrapped.get(), sealed, recordPlace(trackingId)));
    }

    /**
     * Seals a small value (an override's assertion, a review note) under an existing record's data key, so that it is
     * shredded with the record; empty once the record is erased.
     */
    public Optional<byte[]> sealUnderRecord(UUID trackingId, byte[] plaintext, String place) {
        return wrappedKey(trackingId).map(wrapped -> PayloadCipher.seal(keks.unwrap(wrapped, trackingId.toString()), plaintext, place));
    }

    /** Opens what {@link #sealUnderRecord} or {@link RecordKey#seal} sealed; empty once the record is erased. */
    public Optional<byte[]> openUnderRecord(UUID trackingId, byte[] sealed, String place) {
        if (sealed == null) {
            return Optional.empty();
        }
        return wrappedKey(trackingId).map(wrapped -> open(trackingId, wrapped, sealed, place));
    }

    /**
     * Re-wraps up to {@code limit} data keys (records' and consents') still under an older KEK with the current one; the
     * sealed payloads are untouched. Once none is left under a KEK, that KEK can be removed from the store.
     */
    public int rewrapOlder(int limit) {
        return rewrapOlder("data_key", "tracking_id", "", limit) + rewrapOlder("consent_key", "consent_id", "consent/", limit);
    }

    private int rewrapOlder(String table, String ownerColumn, String ownerPrefix, int limit) {
        List<Object[]> rows = jdbc.query("select " + ownerColumn + ", kek_id, wrapped_key from " + table
                        + " where kek_id <> ? limit ? for update skip locked",
                (rs, i) -> new Object[]{rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3)}, keks.currentId(), limit);
        int done = 0;
        for (Object[] row : rows) {
            UUID id = (UUID) row[0];
            String kekId = (String) row[1];
            if (!keks.ids().contains(kekId)) {
                continue;
            }
            WrappedDataKey next = keks.rewrap(new WrappedDataKey(kekId, (byte[]) row[2]), ownerPrefix + id);
            done += jdbc.update("update " + table + " set kek_id = ?, wrapped_key = ? where " + ownerColumn + " = ? and kek_id = ?",
                    next.kekId(), next.wrapped(), id, kekId);
        }
        return done;
    }

    /** How many data keys are still wrapped under a KEK other than the current one. */
    public long underOlderKeks() {
        return jdbc.queryForObject("select (select count(*) from data_key where kek_id <> ?) + (select count(*) from consent_key where kek_id <> ?)",
                Long.class, keks.currentId(), keks.currentId());
    }

    /** A new record's data key: seals the record's original and copies, and is stored wrapped. */
    public record RecordKey(UUID trackingId, SecretKey dataKey, WrappedDataKey wrapped) {

        public byte[] seal(byte[] plaintext, String place) {
            return PayloadCipher.seal(dataKey, plaintext, place);
        }
    }
}
