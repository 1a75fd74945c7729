package org.carebridge.gateway.load;

import org.apache.camel.ProducerTemplate;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.decision.RoutedMessage;
import org.carebridge.gateway.intake.IntakeRequest;
import org.carebridge.gateway.intake.IntakeRoute;
import org.carebridge.gateway.record.DeliveryOrder;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.record.RecordStore;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Database round trips per record of storing a record (posted ones, batches of one, one at a time and from several
 * threads at once, as the partner port's threads do; a file's, batches of 50) and of marking its copies delivered with
 * their DISCLOSED facts (one at a time; from several threads at once, as the partner queues' consumers do), counted on
 * the threads doing that work only, with those threads' CPU per record. The
 * copies are marked delivered directly, without a partner, so that only the store's own statements are counted. Not
 * part of the normal build:
 * {@code ./mvnw -pl routes -am -Pload verify -Dtest=StoreRoundTripsTest -Dsurefire.failIfNoSpecifiedTests=false -Dstore.records=400}.
 */
@Tag("load")
@Import(JdbcRoundTrips.class)
class StoreRoundTripsTest extends GatewayTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int FILE_BATCH = 50;
    private static final int THREADS_AT_ONCE = 6;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    RecordStore store;

    @Autowired
    DeliveryStore deliveries;

    @Autowired
    PartnerRegistry registry;

    @Test
    void roundTripsPerRecordStoredAndDelivered() throws Exception {
        int records = Math.max(FILE_BATCH, Integer.getInteger("store.records", 400) / FILE_BATCH * FILE_BATCH);
        Partner sender = registry.byId("cs-suffolk").orElseThrow();
        String template = Examples.placementNotification("store-template");
        String run = "store-" + System.nanoTime();

        // warm-up: the JIT and the statement caches, as posted records
        Phase warmUp = new Phase();
        List<StoredRecord> warm = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            warm.addAll(warmUp.store(decide(sender, template, run + "-warm-" + i)));
        }
        deliver(warm, 1, new Phase());

        Phase posted = new Phase();
        List<StoredRecord> postedRecords = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            postedRecords.addAll(posted.store(decide(sender, template, run + "-posted-" + i)));
        }
        posted.end();
        Phase postedTogether = new Phase();
        List<StoredRecord> postedTogetherRecords = Collections.synchronizedList(new ArrayList<>());
        concurrently(records, i -> postedTogetherRecords.addAll(
                postedTogether.store(decide(sender, template, run + "-together-" + i))));
        postedTogether.end();
        Phase file = new Phase();
        List<StoredRecord> fileRecords = new ArrayList<>();
        for (int b = 0; b < records / FILE_BATCH; b++) {
            List<RoutedMessage> batch = new ArrayList<>();
            for (int i = 0; i < FILE_BATCH; i++) {
                batch.add(decide(sender, template, run + "-file-" + b + "-" + i));
            }
            fileRecords.addAll(file.store(batch));
        }
        file.end();
        Phase deliveredAlone = deliver(postedRecords, 1, new Phase()).end();
        Phase deliveredTogether = deliver(fileRecords, THREADS_AT_ONCE, new Phase()).end();
        deliver(postedTogetherRecords, THREADS_AT_ONCE, new Phase());

        List<StoredRecord> all = new ArrayList<>(postedRecords);
        all.addAll(postedTogetherRecords);
        all.addAll(fileRecords);
        assertThat(all).hasSize(3 * records).allSatisfy(r -> {
            assertThat(r.duplicate()).isFalse();
            assertThat(r.deliveries()).hasSize(3);
        });
        assertWholeAndDelivered(all);

        String report = String.format(Locale.ROOT, """
                        store round trips, %d records each, counted on the working threads only (statements + batches + commits/rollbacks)
                          stored, posted one at a time (a batch of one): %s; %s
                          stored, posted from %d threads at once: %s; %s
                          stored, a file's (batches of %d): %s; %s
                          marked delivered with DISCLOSED, one copy at a time (per record, 3 copies): %s; %s
                          marked delivered with DISCLOSED, %d threads at once (per record, 3 copies): %s; %s
                          load average at the end: %s
                        """, records, posted.perRecord(records), posted.cpu(records),
                THREADS_AT_ONCE, postedTogether.perRecord(records), postedTogether.cpu(records),
                FILE_BATCH, file.perRecord(records), file.cpu(records),
                deliveredAlone.perRecord(records), deliveredAlone.cpu(records),
                THREADS_AT_ONCE, deliveredTogether.perRecord(records), deliveredTogether.cpu(records),
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println(report);
        Files.writeString(Path.of("target", "store-round-trips.txt"), report);
    }

    private RoutedMessage decide(Partner sender, String template, String messageId) {
        return producer.requestBody(IntakeRoute.DECIDE_ENDPOINT, new IntakeRequest(sender, "application/fhir+json",
                Examples.bytes(Examples.withMessageId(template, messageId)), "unsigned body over mutual TLS"), RoutedMessage.class);
    }

    private Phase deliver(List<StoredRecord> stored, int threads, Phase phase) throws Exception {
        List<DeliveryOrder> copies = stored.stream().flatMap(r -> r.deliveries().stream()).toList();
        IntConsumer deliver = i -> phase.traced(() -> {
            DeliveryOrder copy = copies.get(i);
            deliveries.markDelivered(copy.deliveryId(), disclosed(copy), true);
            return null;
        });
        if (threads == 1) {
            for (int i = 0; i < copies.size(); i++) {
                deliver.accept(i);
            }
        } else {
            concurrently(copies.size(), deliver);
        }
        return phase;
    }

    /** Runs tasks 0 to n - 1 from {@link #THREADS_AT_ONCE} threads. */
    private static void concurrently(int n, IntConsumer task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS_AT_ONCE);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS_AT_ONCE; t++) {
                running.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        task.accept(i);
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static AuditFact disclosed(DeliveryOrder copy) {
        return AuditFact.of(AuditKind.DISCLOSED, "gateway", "delivery").tracking(copy.trackingId().toString())
                .recipient(copy.recipient()).outcome("delivered", copy.event() + "; round-trip measurement");
    }

    private void assertWholeAndDelivered(List<StoredRecord> stored) {
        UUID[] ids = stored.stream().map(StoredRecord::trackingId).toArray(UUID[]::new);
        String[] texts = stored.stream().map(r -> r.trackingId().toString()).toArray(String[]::new);
        assertThat(jdbc.queryForObject("select count(*) from decision where tracking_id = any (?)", Long.class, (Object) ids))
                .isEqualTo(4L * ids.length);
        assertThat(jdbc.queryForObject("select count(*) from delivery where tracking_id = any (?) and state = 'DELIVERED'",
                Long.class, (Object) ids)).isEqualTo(3L * ids.length);
        assertThat(jdbc.queryForObject("select count(*) from record_clock where tracking_id = any (?) and state = 'STOPPED'",
                Long.class, (Object) ids)).isEqualTo(ids.length);
        String[] kinds = {"RECEIVED", "DECIDED", "DENIED", "DISCLOSED", "CLOCK_STOPPED"};
        assertThat(jdbc.queryForObject("""
                select (select count(*) from audit_outbox where tracking_id = any (?) and kind = any (?))
                     + (select count(*) from audit_entry where tracking_id = any (?) and kind = any (?))""", Long.class,
                texts, kinds, texts, kinds))
                .as("RECEIVED, 4 decisions, 3 DISCLOSED and CLOCK_STOPPED per record").isEqualTo(9L * ids.length);
    }

    /**
     * One phase's round trips: those the traced calls sent between its start and {@link #end} (only traced calls count,
     * on whichever threads), and the CPU of those calls on their threads. The copies stored are marked dispatched,
     * uncounted, so that the sweep leaves them to this test.
     */
    private final class Phase {
        private final long statementsAtStart = JdbcRoundTrips.TRACED_STATEMENTS.sum();
        private final long batchesAtStart = JdbcRoundTrips.TRACED_BATCHES.sum();
        private final long commitsAtStart = JdbcRoundTrips.TRACED_COMMITS.sum();
        private final LongAdder cpuNanos = new LongAdder();
        private final long postgresAtStart = PostgresCpu.nanos(jdbc);
        private long postgresNanos;
        private long statements;
        private long batches;
        private long commits;

        /** A posted record, stored as the partner port stores it. */
        List<StoredRecord> store(RoutedMessage posted) {
            return dispatched(List.of(traced(() -> store.store(posted))));
        }

        /** A file's records, stored together. */
        List<StoredRecord> store(List<RoutedMessage> batch) {
            return dispatched(traced(() -> store.storeAll(batch)));
        }

        private List<StoredRecord> dispatched(List<StoredRecord> stored) {
            UUID[] copies = stored.stream().flatMap(r -> r.deliveries().stream()).map(DeliveryOrder::deliveryId).toArray(UUID[]::new);
            jdbc.update("update delivery set dispatched = true where delivery_id = any (?)", (Object) copies);
            return stored;
        }

        <T> T traced(Supplier<T> work) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            JdbcRoundTrips.traced(true);
            try {
                return work.get();
            } finally {
                JdbcRoundTrips.traced(false);
                cpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpu);
            }
        }

        Phase end() {
            postgresNanos = PostgresCpu.nanos(jdbc) - postgresAtStart;
            statements = JdbcRoundTrips.TRACED_STATEMENTS.sum() - statementsAtStart;
            batches = JdbcRoundTrips.TRACED_BATCHES.sum() - batchesAtStart;
            commits = JdbcRoundTrips.TRACED_COMMITS.sum() - commitsAtStart;
            return this;
        }

        String perRecord(int records) {
            return String.format(Locale.ROOT, "%.2f round trips (%.2f statements, %.2f batches, %.2f commits)",
                    (statements + batches + commits) / (double) records, statements / (double) records,
                    batches / (double) records, commits / (double) records);
        }

        /** This JVM's threads doing the work, and PostgreSQL (all its processes, so its own background work too). */
        String cpu(int records) {
            return String.format(Locale.ROOT, "CPU %.0f us per record, PostgreSQL %.0f us", cpuNanos.sum() / 1000.0 / records,
                    postgresNanos / 1000.0 / records);
        }
    }
}
