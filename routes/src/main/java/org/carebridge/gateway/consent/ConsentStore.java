package org.carebridge.gateway.consent;

import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.security.consent.ConsentLookup;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.storage.KeyEncryptionKeys;
import org.carebridge.security.storage.PayloadCipher;
import org.carebridge.security.storage.WrappedDataKey;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import javax.crypto.SecretKey;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The consent registry in PostgreSQL: the current version of each consent, and every version in an append-only history.
 * Writes commit synchronously, so a withdrawal governs every decision taken after the update returns.
 * <p>
 * At rest, the subject's identifier value and the FHIR resource are sealed (AES-256-GCM) under a data key per consent,
 * wrapped by the key-encryption key in {@code consent_key}; {@code subject_value} holds the identifier's keyed hash (as
 * the audit ledger does), which is what lookups match. Rows written before sealing (resource in the clear, no sealed
 * columns) are still read.
 */
@Component
public class ConsentStore implements ConsentLookup {

    private static final String COLUMNS = """
            id, version, subject_system, subject_value, status, partner_ids, agency_kinds, purposes, period_start, period_end,
            recorded_at, recorded_by, resource, sealed_subject, sealed_resource""";
    private static final String TERMS = COLUMNS + ", k.kek_id, k.wrapped_key";
    /** The organisation that recorded the consent: who recorded its first version (the current row names the last writer). */
    private static final String STORED = TERMS + """
            , coalesce((select h.recorded_by from consent_history h where h.id = c.id and h.version = 1), c.recorded_by) as recorder""";

    private final RowMapper<ConsentRecord> recordRow = (rs, i) -> record(rs, dataKey(rs));
    private final RowMapper<StoredConsent> storedRow = (rs, i) -> {
        SecretKey key = dataKey(rs);
        return new StoredConsent(record(rs, key), resource(rs, key), rs.getString("recorder"));
    };

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final KeyEncryptionKeys keks;
    private final SubjectKeys subjectKeys;

    public ConsentStore(JdbcTemplate jdbc, TransactionTemplate transaction, KeyEncryptionKeys keks, SubjectKeys subjectKeys) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.keks = keks;
        this.subjectKeys = subjectKeys;
    }

    /** The latest version of every consent recorded for any of these identifiers, whatever its state. */
    @Override
    public List<ConsentRecord> forSubjects(Collection<SubjectIdentifier> subjects) {
        if (subjects.isEmpty()) {
            return List.of();
        }
        List<String> systems = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (SubjectIdentifier subject : subjects) {
            systems.add(subject.system());
            values.add(subjectKeys.keyOf(subject));
            // rows written before sealing
            systems.add(subject.system());
            values.add(subject.value());
        }
        return jdbc.query("select " + TERMS + """
                 from consent left join consent_key k on k.consent_id = id
                where (subject_system, subject_value) in (select s, v from unnest(?::text[], ?::text[]) as subject (s, v))
                order by recorded_at, id""", recordRow, systems.toArray(String[]::new), values.toArray(String[]::new));
    }

    public StoredConsent create(ConsentRecord record, String resource) {
        transaction.executeWithoutResult(status -> {
            SecretKey key = PayloadCipher.newDataKey();
            WrappedDataKey wrapped = keks.wrap(key, owner(record.id()));
            jdbc.update("insert into consent_key (consent_id, kek_id, wrapped_key, created_at) values (?, ?, ?, ?)",
                    UUID.fromString(record.id()), wrapped.kekId(), wrapped.wrapped(), Timestamp.from(Instant.now()));
            Object[] columns = columns(record, resource, key);
            jdbc.update("insert into consent (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", columns);
            appendHistory(columns);
        });
        return new StoredConsent(record, resource);
    }

    /**
     * Makes {@code next} the current version, provided the current one is still the version before it. False when
     * another update got there first: nothing is changed then.
     */
    public boolean update(ConsentRecord next, String resource) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            Object[] columns = columns(next, resource, keyForUpdate(next.id()));
            int updated = jdbc.update("""
                    update consent set version = ?, subject_system = ?, subject_value = ?, status = ?, partner_ids = ?,
                           agency_kinds = ?, purposes = ?, period_start = ?, period_end = ?, recorded_at = ?, recorded_by = ?,
                           resource = ?, sealed_subject = ?, sealed_resource = ?
                    where id = ? and version = ?""",
                args(Arrays.copyOfRange(columns, 1, columns.length), UUID.fromString(next.id()), next.version() - 1));
            if (updated == 0) {
                return false;
            }
            appendHistory(columns);
            return true;
        }));
    }

    /** The current version. */
    public Optional<StoredConsent> read(String id) {
        UUID uuid = uuid(id);
        if (uuid == null) {
            return Optional.empty();
        }
        return jdbc.query("select " + STORED + " from consent c left join consent_key k on k.consent_id = c.id where c.id = ?",
                storedRow, uuid).stream().findFirst();
    }

    /** Any version, current or past. */
    public Optional<StoredConsent> read(String id, int version) {
        UUID uuid = uuid(id);
        if (uuid == null) {
            return Optional.empty();
        }
        return jdbc.query("select " + STORED
                        + " from consent_history c left join consent_key k on k.consent_id = c.id where c.id = ? and c.version = ?", storedRow,
                uuid, version).stream().findFirst();
    }

    /** The current version of every consent recorded for this subject, oldest first. */
    public List<StoredConsent> search(SubjectIdentifier subject) {
        return jdbc.query("select " + STORED + """
                         from consent c left join consent_key k on k.consent_id = c.id
                        where subject_system = ? and subject_value in (?, ?) order by recorded_at, id""",
                storedRow, subject.system(), subjectKeys.keyOf(subject), subject.value());
    }

    private void appendHistory(Object[] columns) {
        jdbc.update("insert into consent_history (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", columns);
    }

    /** The consent's data key, creating one for a consent recorded before sealing. */
    private SecretKey keyForUpdate(String id) {
        List<WrappedDataKey> found = jdbc.query("select kek_id, wrapped_key from consent_key where consent_id = ?",
                (rs, i) -> new WrappedDataKey(rs.getString(1), rs.getBytes(2)), UUID.fromString(id));
        if (!found.isEmpty()) {
            return keks.unwrap(found.get(0), owner(id));
        }
        SecretKey key = PayloadCipher.newDataKey();
        WrappedDataKey wrapped = keks.wrap(key, owner(id));
        jdbc.update("insert into consent_key (consent_id, kek_id, wrapped_key, created_at) values (?, ?, ?, ?) on conflict do nothing",
                UUID.fromString(id), wrapped.kekId(), wrapped.wrapped(), Timestamp.from(Instant.now()));
        return keyForUpdate(id);
    }

    /** The row as stored: the subject's keyed hash for lookups, the subject's value and the resource sealed. */
    private Object[] columns(ConsentRecord record, String resource, SecretKey key) {
        String place = place(record.id(), record.version());
        return new Object[]{UUID.fromString(record.id()), record.version(), record.subject().system(),
                subjectKeys.keyOf(record.subject()), record.state().name(), sorted(record.partnerIds()),
                sorted(record.agencyKinds().stream().map(AgencyKind::code).toList()), sorted(record.purposes()),
                timestamp(record.periodStart()), timestamp(record.periodEnd()), timestamp(record.recordedAt()),
                record.recordedBy(), null,
                PayloadCipher.seal(key, record.subject().value().getBytes(StandardCharsets.UTF_8), place + "/subject"),
                PayloadCipher.seal(key, resource.getBytes(StandardCharsets.UTF_8), place + "/resource")};
    }

    private static Object[] args(Object[] first, Object... more) {
        Object[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /** The owner a consent's data key is bound to when wrapped. */
    public static String owner(String consentId) {
        return "consent/" + consentId;
    }

    private static String place(String id, int version) {
        return "consent/" + id + "/" + version;
    }

    private SecretKey dataKey(ResultSet rs) throws SQLException {
        String kekId = rs.getString("kek_id");
        return kekId == null ? null
                : keks.unwrap(new WrappedDataKey(kekId, rs.getBytes("wrapped_key")), owner(rs.getObject("id", UUID.class).toString()));
    }

    private static String resource(ResultSet rs, SecretKey key) throws SQLException {
        byte[] sealed = rs.getBytes("sealed_resource");
        if (sealed == null) {
            return rs.getString("resource");
        }
        return new String(PayloadCipher.open(key, sealed, place(rs.getObject("id", UUID.class).toString(), rs.getInt("version"))
                + "/resource"), StandardCharsets.UTF_8);
    }

    private static String subjectValue(ResultSet rs, SecretKey key) throws SQLException {
        byte[] sealed = rs.getBytes("sealed_subject");
        if (sealed == null) {
            return rs.getString("subject_value");
        }
        return new String(PayloadCipher.open(key, sealed, place(rs.getObject("id", UUID.class).toString(), rs.getInt("version"))
                + "/subject"), StandardCharsets.UTF_8);
    }

    private static ConsentRecord record(ResultSet rs, SecretKey key) throws SQLException {
        Set<AgencyKind> kinds = strings(rs.getArray("agency_kinds")).stream()
                .map(code -> AgencyKind.fromCode(code).orElseThrow(() -> new IllegalStateException("unknown agency kind in consent row")))
                .collect(Collectors.toSet());
        return new ConsentRecord(rs.getObject("id", UUID.class).toString(), rs.getInt("version"),
                new SubjectIdentifier(rs.getString("subject_system"), subjectValue(rs, key)),
                ConsentState.valueOf(rs.getString("status")), Set.copyOf(strings(rs.getArray("partner_ids"))), kinds,
                Set.copyOf(strings(rs.getArray("purposes"))), instant(rs.getTimestamp("period_start")),
                instant(rs.getTimestamp("period_end")), instant(rs.getTimestamp("recorded_at")), rs.getString("recorded_by"));
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }

    private static String[] sorted(Collection<String> values) {
        return values.stream().sorted().toArray(String[]::new);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
