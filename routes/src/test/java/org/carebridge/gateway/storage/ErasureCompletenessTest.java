package org.carebridge.gateway.storage;

import org.carebridge.gateway.audit.CheckpointSigner;
import org.carebridge.gateway.audit.LedgerExport;
import org.carebridge.gateway.audit.LedgerWriter;
import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.ledger.LedgerEntry;
import org.carebridge.ledger.LedgerVerifier;
import org.carebridge.security.consent.SubjectIdentifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Erasing a record at the end of its retention leaves nothing personal about it anywhere in the database: not in a
 * text, json or bytea column of any table (the override's reason, the asserting practitioner), not behind a key that
 * survives (the encrypted identifiers), and no monitoring fact still points at it. The ledger still verifies.
 */
class ErasureCompletenessTest extends GatewayTest {

    private static final String LA_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/la-child-id/E10000029";

    @Autowired
    RetentionEraser eraser;

    @Autowired
    SubjectKeys subjectKeys;

    @Autowired
    LedgerWriter writer;

    @Autowired
    LedgerExport ledger;

    @Autowired
    CheckpointSigner signer;

    @Test
    void anErasedRecordLeavesNoPersonalDataInAnyColumnOfAnyTable() throws Exception {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        String marker = HexFormat.of().formatHex(random);
        String childId = "SCC-" + marker.substring(0, 10);
        String nhsNumber = Examples.freshNhsNumber();
        String family = "Erasure" + marker.substring(0, 8);
        String given = "Given" + marker.substring(8);
        String birthDate = LocalDate.of(2009, 1, 1).plusDays(ThreadLocalRandom.current().nextInt(0, 1400)).toString();
        String assertedBy = "Practitioner " + marker;
        String reason = "Immediate risk " + marker + " if youth justice is not told";
        String note = "Practitioner notes " + marker;
        String messageId = Examples.newMessageId();
        String message = Examples.withMessageId(Files.readString(Examples.CONFIG.resolve(
                        "examples/liaison-diversion-health-summary-override.json")), messageId)
                .replace("SCC-000123", childId)
                .replace("\"family\": \"Example\"", "\"family\": \"" + family + "\"")
                .replace("\"Test\"", "\"" + given + "\"")
                .replace("\"birthDate\": \"2012-03-14\"", "\"birthDate\": \"" + birthDate + "\"")
                .replace("L&D practitioner 4471", assertedBy)
                .replace("Immediate risk of harm to the child if the youth justice service is not told of the diagnosis before the interview.", reason)
                .replace("Liaison and Diversion practitioner's notes. Never shared.", note)
                .replace("\"identifier\": [", "\"identifier\": [{\"system\": \"" + SubjectIdentifier.NHS_NUMBER + "\", \"value\": \""
                        + nhsNumber + "\"},");
        List<String> personal = List.of(childId, nhsNumber, family, given, birthDate, assertedBy, reason, note, marker);
        for (String value : personal) {
            assertThat(message).contains(value);
        }

        HttpResponse<String> accepted = as("health-norfolk").processMessage(Examples.bytes(message));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        UUID trackingId = UUID.fromString(accepted.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow());
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where tracking_id = ? and kind = 'RECEIVED'", Long.class, trackingId.toString()) == 1);
        List<String> keys = subjectKeys.keysOf(List.of(new SubjectIdentifier(LA_SYSTEM, childId),
                new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, nhsNumber)));
        assertThat(subjectKeys.identifiers(keys)).hasSize(2);
        assertThat(jdbc.queryForObject("select count(*) from override_review where tracking_id = ?", Long.class, trackingId)).isPositive();
        // The scan sees clear columns: the message id is stored in the clear, so it is found.
        assertThat(tablesHolding(messageId)).contains("intake_record.message_id");

        // One of its overrides as rows stored before assertions were sealed had it: in the clear, and named in the explanation.
        jdbc.update("""
                update override_review set asserted_by = ?, asserted_role = 'Liaison and Diversion practitioner', reason = ?,
                    review_note = ? where override_id = (select min(override_id::text)::uuid from override_review where tracking_id = ?)""",
                assertedBy, reason, note, trackingId);
        jdbc.update("""
                update decision set explanation = 'Shared without consent under rule ''x'' of agreement ''y'' version 1, on a safeguarding '
                    || 'override asserted by ' || ? || ' (Liaison and Diversion practitioner); queued for information-governance review.'
                where tracking_id = ? and outcome = 'PERMIT_BY_OVERRIDE'""", assertedBy, trackingId);
        assertThat(tablesHolding(assertedBy)).contains("decision.explanation", "override_review.asserted_by");

        jdbc.update("update intake_record set retain_until = ? where tracking_id = ?", Timestamp.from(Instant.now().minusSeconds(1)), trackingId);
        assertThat(eraser.eraseDue(Instant.now())).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where tracking_id = ? and kind = 'ERASED'", Long.class, trackingId.toString()) == 1);

        for (String value : personal) {
            assertThat(tablesHolding(value)).as(value).isEmpty();
        }
        // The identifiers cannot be recovered: their encrypted copies are gone with the last record that needed them.
        assertThat(subjectKeys.identifiers(keys)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from monitoring_fact where tracking_id = ?", Long.class, trackingId)).isZero();
        // What stays by design: the keyed hashes in the ledger, codes and times.
        List<String> erasedUnder = jdbc.queryForObject("select subject_keys from audit_entry where tracking_id = ? and kind = 'ERASED'",
                (rs, i) -> List.of((String[]) rs.getArray(1).getArray()), trackingId.toString());
        assertThat(erasedUnder).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(jdbc.queryForList("select explanation from decision where tracking_id = ? and outcome = 'PERMIT_BY_OVERRIDE'",
                String.class, trackingId)).isNotEmpty().allSatisfy(explanation -> assertThat(explanation).isEqualTo(
                "Shared without consent under rule 'x' of agreement 'y' version 1, on a safeguarding override; "
                        + "queued for information-governance review."));

        // Nothing was taken out of the hash chain: the whole ledger still verifies against its signed checkpoints.
        writer.chainPending();
        writer.checkpoint();
        long size = jdbc.queryForObject("select max(seq) from audit_entry", Long.class);
        StringWriter export = new StringWriter();
        ledger.writeEntries(export, 1, size);
        List<LedgerEntry> entries = export.toString().lines().map(LedgerEntry::fromExportLine).toList();
        LedgerVerifier.Result verified = LedgerVerifier.verify(entries, ledger.checkpoints(size), signer.certificate(), null);
        assertThat(verified.ok()).as(verified.message()).isTrue();
    }

    /** Every text, json, jsonb, array and bytea column of every table that holds the value, as table.column. */
    private List<String> tablesHolding(String value) {
        List<Map<String, Object>> columns = jdbc.queryForList("""
                select table_name, column_name, data_type from information_schema.columns
                where table_schema = current_schema() and data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')
                  and table_name in (select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE')
                order by table_name, column_name""");
        assertThat(columns).extracting(c -> c.get("table_name")).contains("override_review", "decision", "audit_entry",
                "audit_subject_value", "monitoring_fact", "intake_record", "delivery");
        List<String> holding = new ArrayList<>();
        for (Map<String, Object> column : columns) {
            String table = "\"" + column.get("table_name") + "\"";
            String name = "\"" + column.get("column_name") + "\"";
            String test = "bytea".equals(column.get("data_type"))
                    ? "position(convert_to(?, 'UTF8') in " + name + ") > 0"
                    : "strpos(" + name + "::text, ?) > 0";
            Long found = jdbc.queryForObject("select count(*) from " + table + " where " + test, Long.class, value);
            if (found != null && found > 0) {
                holding.add(column.get("table_name") + "." + column.get("column_name"));
            }
        }
        return holding;
    }

}
