package org.carebridge.gateway.partner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.PartnerRegistryLoader;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The partner registry in PostgreSQL: one row per partner holding its {@code partners.yaml} entry as text (read with
 * the same loader as the file, so new settings need no schema change), the PEM of any certificate uploaded through the
 * console, and a version every node follows. The table is seeded from {@code config/partners.yaml} on first start;
 * after that the file is only an import and export format.
 */
public class PartnerStore {

    public static final String TLS_PEM = "certificate-pem";
    public static final String ENCRYPTION_PEM = "encryption-certificate-pem";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));

    /** One stored partner. {@code document} is its YAML entry, without the PEM texts, which are kept beside it. */
    public record Row(String partnerId, String document, String tlsPem, String encryptionPem, boolean retired, long version) {
        public PartnerRegistry.HeldCertificates held() {
            return new PartnerRegistry.HeldCertificates(tlsPem, encryptionPem);
        }
    }

    /** What the registry is built from: the partners, and the certificates held as PEM. */
    public record Contents(List<Partner> partners, Map<String, PartnerRegistry.HeldCertificates> held, Map<String, Long> versions) {
    }

    private final JdbcTemplate jdbc;
    private final PartnerRegistryLoader loader;
    private final String source;

    public PartnerStore(JdbcTemplate jdbc, PartnerRegistryLoader loader, String source) {
        this.jdbc = jdbc;
        this.loader = loader;
        this.source = source;
    }

    public String source() {
        return source;
    }

    /** On first start (no partner stored yet), stores every entry of the file. @return how many were stored */
    public int seedIfEmpty(Path file) {
        if (jdbc.queryForObject("select count(*) from registered_partner", Long.class) > 0) {
            return 0;
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigurationException(file.toString(), "cannot be read: " + e.getMessage(), e);
        }
        // the whole file is checked first, as at every start before the registry was kept here
        loader.read(file.toString(), text);
        int stored = 0;
        for (JsonNode entry : tree(file.toString(), text).path("partners")) {
            ObjectNode document = ((ObjectNode) entry).deepCopy();
            stored += jdbc.update("""
                    insert into registered_partner (partner_id, document, version, updated_at, updated_by)
                    values (?, ?, nextval('registered_partner_version'), ?, 'seed') on conflict (partner_id) do nothing""",
                    document.path("id").asText(), yaml(document), Timestamp.from(Instant.now()));
        }
        return stored;
    }

    /** Every partner in service (not retired), read and checked as the file would be. */
    public Contents contents() {
        List<Row> rows = rows().stream().filter(r -> !r.retired()).toList();
        List<Partner> partners = rows.isEmpty() ? List.of() : loader.read(source, export(rows));
        Map<String, PartnerRegistry.HeldCertificates> held = new LinkedHashMap<>();
        Map<String, Long> versions = new LinkedHashMap<>();
        for (Row row : rows) {
            held.put(row.partnerId(), row.held());
            versions.put(row.partnerId(), row.version());
        }
        return new Contents(partners, held, versions);
    }

    public List<Row> rows() {
        return jdbc.query("select partner_id, document, tls_pem, encryption_pem, retired, version from registered_partner order by partner_id",
                PartnerStore::row);
    }

    public Optional<Row> row(String partnerId) {
        return jdbc.query("select partner_id, document, tls_pem, encryption_pem, retired, version from registered_partner where partner_id = ?",
                PartnerStore::row, partnerId).stream().findFirst();
    }

    /** Each partner's version, retired ones included: what a node compares with what it has applied. */
    public Map<String, Long> versions() {
        Map<String, Long> versions = new LinkedHashMap<>();
        jdbc.query("select partner_id, version from registered_partner", rs -> {
            versions.put(rs.getString(1), rs.getLong(2));
        });
        return versions;
    }

    /** Reads a whole {@code partners:} document as the loader does (an import); throws listing each problem. */
    public List<Partner> parseDocument(String source, String yaml) {
        return loader.read(source, yaml);
    }

    /** Checks one stored entry as the loader would; throws {@link ConfigurationException} listing each problem. */
    public Partner parse(Row row) {
        return loader.read(source, export(List.of(row))).get(0);
    }

    /** Stores a new or changed entry and records the change. @return the row as stored, with its new version */
    public Row save(String partnerId, ObjectNode document, String tlsPem, String encryptionPem, boolean retired, String by,
                    UUID actionId) {
        Optional<Row> before = row(partnerId);
        String text = yaml(document);
        Instant now = Instant.now();
        long version = jdbc.queryForObject("select nextval('registered_partner_version')", Long.class);
        jdbc.update("""
                insert into registered_partner (partner_id, document, tls_pem, encryption_pem, retired, version, updated_at, updated_by)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (partner_id) do update set document = excluded.document, tls_pem = excluded.tls_pem,
                    encryption_pem = excluded.encryption_pem, retired = excluded.retired, version = excluded.version,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by""",
                partnerId, text, tlsPem, encryptionPem, retired, version, Timestamp.from(now), by);
        jdbc.update("""
                insert into registered_partner_change (change_id, partner_id, action_id, before_document, after_document, changed_at, changed_by)
                values (?, ?, ?, ?, ?, ?, ?)""", UUID.randomUUID(), partnerId, actionId,
                before.map(Row::document).orElse(null), retired ? null : text, Timestamp.from(now), by);
        return new Row(partnerId, text, tlsPem, encryptionPem, retired, version);
    }

    /** A {@code partners:} document the loader accepts, with held certificates inline as PEM. */
    public String export(Collection<Row> rows) {
        ObjectNode root = YAML.createObjectNode();
        ArrayNode list = root.putArray("partners");
        for (Row row : rows) {
            ObjectNode entry = document(row.document());
            if (row.tlsPem() != null) {
                entry.remove("certificate");
                entry.put(TLS_PEM, row.tlsPem());
            }
            if (row.encryptionPem() != null) {
                entry.remove("encryption-certificate");
                entry.put(ENCRYPTION_PEM, row.encryptionPem());
            }
            list.add(entry);
        }
        return yaml(root);
    }

    public static ObjectNode document(String yaml) {
        try {
            JsonNode node = YAML.readTree(yaml);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("a partner entry must be a YAML mapping");
            }
            return object;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a partner entry is not YAML: " + e.getOriginalMessage(), e);
        }
    }

    public static JsonNode tree(String source, String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(source, "cannot be read as YAML: " + e.getOriginalMessage(), e);
        }
    }

    public static String yaml(JsonNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a partner entry", e);
        }
    }

    private static Row row(ResultSet rs, int i) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getLong(6));
    }
}
