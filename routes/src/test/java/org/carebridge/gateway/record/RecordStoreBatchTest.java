package org.carebridge.gateway.record;

import org.apache.camel.ProducerTemplate;
import org.carebridge.gateway.decision.RoutedMessage;
import org.carebridge.gateway.intake.IntakeRequest;
import org.carebridge.gateway.intake.IntakeRoute;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch of records is stored whole or not at all: when one record's rows cannot be written, whichever table fails,
 * the batch's transaction leaves nothing behind, the records before it are then stored whole on their own, it and the
 * records after it are absent from every table, and the same batch sent again stores the rest once each.
 */
class RecordStoreBatchTest extends GatewayTest {

    /**
     * Every table a record's storing writes; the ledger's facts the store writes (not those of a later delivery)
     * counted in the outbox and chained, in one snapshot.
     */
    private static final Map<String, String> COUNTS = new LinkedHashMap<>();

    static {
        for (String table : List.of("intake_record", "data_key", "decision", "delivery", "record_clock", "monitoring_fact")) {
            COUNTS.put(table, "select count(*) from " + table + " where tracking_id = ?::uuid");
        }
        COUNTS.put("ledger", """
                select (select count(*) from audit_outbox where tracking_id = ? and kind = any (?))
                     + (select count(*) from audit_entry where tracking_id = ? and kind = any (?))""");
    }

    private static final String[] STORE_FACTS = {"RECEIVED", "DECIDED", "DENIED", "OVERRIDDEN"};

    private final String run = "record-store-test " + UUID.randomUUID();

    @Autowired
    ProducerTemplate producer;

    @Autowired
    RecordStore store;

    @Autowired
    PartnerRegistry registry;

    @ParameterizedTest
    @ValueSource(strings = {"intake_record", "decision", "delivery", "record_clock", "monitoring_fact", "audit_outbox"})
    void aRecordWhoseRowsCannotBeWrittenLeavesNothingAndTheOthersAreStoredWhole(String failingTable) {
        Partner sender = registry.byId("cs-suffolk").orElseThrow();
        String template = missingEpisode();
        Map<String, Long> whole = rows(store.store(decide(sender, template, Examples.newMessageId())).trackingId());
        assertThat(whole).allSatisfy((table, count) -> assertThat(count).as(table).isPositive());
        List<String> ids = List.of(Examples.newMessageId(), Examples.newMessageId(), Examples.newMessageId());
        List<RoutedMessage> batch = ids.stream().map(id -> decide(sender, template, id)).toList();
        spoil(failingTable, ids.get(1));
        try {
            assertThatThrownBy(() -> store.storeAll(batch)).hasStackTraceContaining("storage failed");
        } finally {
            jdbc.execute("drop trigger record_store_test_spoil on " + failingTable);
            jdbc.execute("drop function record_store_test_spoil()");
        }

        assertThat(rows(trackingId(ids.get(0)))).isEqualTo(whole);
        assertThat(trackingId(ids.get(1))).isNull();
        assertThat(trackingId(ids.get(2))).isNull();
        assertThat(ledgerFactsOfThisRun()).as("the ledger holds the stored records' facts only")
                .isEqualTo(2 * whole.get("ledger"));

        List<StoredRecord> again = store.storeAll(batch);

        assertThat(again).extracting(StoredRecord::duplicate).containsExactly(true, false, false);
        assertThat(again.get(0).trackingId()).isEqualTo(trackingId(ids.get(0)));
        for (String id : ids) {
            assertThat(rows(trackingId(id))).isEqualTo(whole);
        }
    }

    /**
     * Posted records stored at the same time may share a transaction; one that cannot be written fails alone, and
     * every other is stored whole, once.
     */
    @Test
    void postedRecordsStoredAtOnceAreEachWholeAndOneThatCannotBeWrittenFailsAlone() throws Exception {
        Partner sender = registry.byId("cs-suffolk").orElseThrow();
        String template = missingEpisode();
        Map<String, Long> whole = rows(store.store(decide(sender, template, Examples.newMessageId())).trackingId());
        List<String> ids = IntStream.range(0, 24).mapToObj(i -> Examples.newMessageId()).toList();
        List<RoutedMessage> records = ids.stream().map(id -> decide(sender, template, id)).toList();
        String bad = ids.get(13);
        spoil("delivery", bad);
        ExecutorService callers = Executors.newFixedThreadPool(6);
        List<Future<StoredRecord>> calls;
        try {
            calls = records.stream().map(r -> callers.submit(() -> store.store(r))).toList();
            for (int i = 0; i < calls.size(); i++) {
                Future<StoredRecord> call = calls.get(i);
                if (i == 13) {
                    assertThatThrownBy(() -> call.get(1, TimeUnit.MINUTES)).hasStackTraceContaining("storage failed");
                } else {
                    assertThat(call.get(1, TimeUnit.MINUTES).duplicate()).isFalse();
                }
            }
        } finally {
            callers.shutdownNow();
            jdbc.execute("drop trigger record_store_test_spoil on delivery");
            jdbc.execute("drop function record_store_test_spoil()");
        }
        assertThat(trackingId(bad)).isNull();
        for (String id : ids) {
            if (!id.equals(bad)) {
                assertThat(rows(trackingId(id))).isEqualTo(whole);
            }
        }
        assertThat(ledgerFactsOfThisRun()).isEqualTo(24 * whole.get("ledger"));
    }

    private RoutedMessage decide(Partner sender, String template, String messageId) {
        return producer.requestBody(IntakeRoute.DECIDE_ENDPOINT, new IntakeRequest(sender, "application/fhir+json",
                Examples.bytes(Examples.withMessageId(template, messageId)), run), RoutedMessage.class);
    }

    /** A missing episode: it has copies, a clock and a monitoring fact (a police contact) as well as its decisions. */
    private static String missingEpisode() {
        try {
            return Files.readString(Examples.CONFIG.resolve("examples/missing-episode.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes inserting the given record's rows into {@code table} fail, in whichever statement writes them. */
    private void spoil(String table, String messageId) {
        String condition = table.equals("intake_record") ? "new.message_id = '%s'".formatted(messageId) : """
                exists (select 1 from intake_record r where r.tracking_id::text = new.tracking_id::text
                        and r.sender = 'cs-suffolk' and r.message_id = '%s')""".formatted(messageId);
        jdbc.execute("""
                create function record_store_test_spoil() returns trigger language plpgsql as $$
                begin
                    if %s then
                        raise exception 'storage failed';
                    end if;
                    return new;
                end $$""".formatted(condition));
        jdbc.execute("create trigger record_store_test_spoil before insert on " + table
                + " for each row execute function record_store_test_spoil()");
    }

    private UUID trackingId(String messageId) {
        List<UUID> found = jdbc.queryForList("select tracking_id from intake_record where sender = 'cs-suffolk' and message_id = ?",
                UUID.class, messageId);
        return found.isEmpty() ? null : found.get(0);
    }

    /** A record's rows in each table. */
    private Map<String, Long> rows(UUID trackingId) {
        Map<String, Long> rows = new LinkedHashMap<>();
        COUNTS.forEach((table, count) -> rows.put(table, table.equals("ledger")
                ? jdbc.queryForObject(count, Long.class, trackingId.toString(), STORE_FACTS, trackingId.toString(), STORE_FACTS)
                : jdbc.queryForObject(count, Long.class, trackingId)));
        return rows;
    }

    /**
     * The ledger's facts about any record of this test, stored or not: those of the records whose RECEIVED fact names
     * this test's intake (in its reason).
     */
    private long ledgerFactsOfThisRun() {
        return jdbc.queryForObject("""
                with ledger as (select tracking_id, kind, reason from audit_outbox
                                union all select tracking_id, kind, reason from audit_entry),
                     mine as (select tracking_id from ledger where kind = 'RECEIVED' and reason like ?)
                select count(*) from ledger where tracking_id in (select tracking_id from mine) and kind = any (?)""",
                Long.class, "%" + run, STORE_FACTS);
    }
}
