package org.carebridge.gateway.consent;

import org.carebridge.security.consent.ConsentLookup;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.AgencyKind;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
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
 */
@Component
public class ConsentStore implements ConsentLookup {

    private static final String TERMS = """
            id, version, subject_system, subject_value, status, partner_ids, agency_kinds, purposes, period_start, period_end,
            recorded_at, recorded_by""";
    private static final String TERMS_AND_RESOURCE = TERMS + ", resource";

    private static final RowMapper<ConsentRecord> RECORD = (rs, i) -> record(rs);
    private static final RowMapper<StoredConsent> STORED = (rs, i) -> new StoredConsent(record(rs), rs.getString("resource"));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public ConsentStore(JdbcTemplate jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** The latest version of every consent recorded for any of these identifiers, whatever its state. */
    @Override
    public List<ConsentRecord> forSubjects(Collection<SubjectIdentifier> subjects) {
        if (subjects.isEmpty()) {
            return List.of();
        }
        String[] systems = subjects.stream().map(SubjectIdentifier::system).toArray(String[]::new);
        String[] values = subjects.stream().map(SubjectIdentifier::value).toArray(String[]::new);
        return jdbc.query("select " + TERMS + """
                 from consent
                where (subject_system, subject_value) in (select s, v from unnest(?::text[], ?::text[]) as subject (s, v))
                order by recorded_at, id""", RECORD, systems, values);
    }

    public StoredConsent create(ConsentRecord record, String resource) {
        transaction.executeWithoutResult(status -> {
            jdbc.update("insert into consent (" + TERMS_AND_RESOURCE + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    columns(record, resource));
            appendHistory(record, resource);
        });
        return new StoredConsent(record, resource);
    }

    /**
     * Makes {@code next} the current version, provided the current one is still the version before it. False when
     * another update got there first: nothing is changed then.
     */
    public boolean update(ConsentRecord next, String resource) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            int updated = jdbc.update("""
                    update consent set version = ?, subject_system = ?, subject_value = ?, status = ?, partner_ids = ?,
                           agency_kinds = ?, purposes = ?, period_start = ?, period_end = ?, recorded_at = ?, recorded_by = ?,
                           resource = ?
                    where id = ? and version = ?""",
                    next.version(), next.subject().system(), next.subject().value(), next.state().name(),
                    sorted(next.partnerIds()), sorted(next.agencyKinds().stream().map(AgencyKind::code).toList()),
                    sorted(next.purposes()), timestamp(next.periodStart()), timestamp(next.periodEnd()),
                    timestamp(next.recordedAt()), next.recordedBy(), resource, UUID.fromString(next.id()), next.version() - 1);
            if (updated == 0) {
                return false;
            }
            appendHistory(next, resource);
            return true;
        }));
    }

    /** The current version. */
    public Optional<StoredConsent> read(String id) {
        UUID uuid = uuid(id);
        if (uuid == null) {
            return Optional.empty();
        }
        return jdbc.query("select " + TERMS_AND_RESOURCE + " from consent where id = ?", STORED, uuid).stream().findFirst();
    }

    /** Any version, current or past. */
    public Optional<StoredConsent> read(String id, int version) {
        UUID uuid = uuid(id);
        if (uuid == null) {
            return Optional.empty();
        }
        return jdbc.query("select " + TERMS_AND_RESOURCE + " from consent_history where id = ? and version = ?", STORED,
                uuid, version).stream().findFirst();
    }

    /** The current version of every consent recorded for this subject, oldest first. */
    public List<StoredConsent> search(SubjectIdentifier subject) {
        return jdbc.query("select " + TERMS_AND_RESOURCE
                        + " from consent where subject_system = ? and subject_value = ? order by recorded_at, id",
                STORED, subject.system(), subject.value());
    }

    private void appendHistory(ConsentRecord record, String resource) {
        jdbc.update("insert into consent_history (" + TERMS_AND_RESOURCE + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                columns(record, resource));
    }

    private static Object[] columns(ConsentRecord record, String resource) {
        return new Object[]{UUID.fromString(record.id()), record.version(), record.subject().system(), record.subject().value(),
                record.state().name(), sorted(record.partnerIds()),
                sorted(record.agencyKinds().stream().map(AgencyKind::code).toList()), sorted(record.purposes()),
                timestamp(record.periodStart()), timestamp(record.periodEnd()), timestamp(record.recordedAt()),
                record.recordedBy(), resource};
    }

    private static ConsentRecord record(ResultSet rs) throws SQLException {
        Set<AgencyKind> kinds = strings(rs.getArray("agency_kinds")).stream()
                .map(code -> AgencyKind.fromCode(code).orElseThrow(() -> new IllegalStateException("unknown agency kind in consent row")))
                .collect(Collectors.toSet());
        return new ConsentRecord(rs.getObject("id", UUID.class).toString(), rs.getInt("version"),
                new SubjectIdentifier(rs.getString("subject_system"), rs.getString("subject_value")),
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
