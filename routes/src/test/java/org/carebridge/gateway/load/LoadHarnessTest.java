package org.carebridge.gateway.load;

import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Posts N placement notifications from C concurrent partner connections to the gateway on its real embedded stack
 * (Artemis and PostgreSQL persistent, fsync on, HTTPS with mutual TLS both ways, demo partners writing every copy to
 * disk) and prints accept throughput, end-to-end throughput and p50/p99 latencies. Not part of the normal build:
 * {@code ./mvnw -pl routes -am -Pload verify -Dload.records=5000 -Dload.concurrency=32}.
 */
@Tag("load")
@Import(JdbcRoundTrips.class)
class LoadHarnessTest extends GatewayTest {

    @Test
    void carryRecordsEndToEnd() throws Exception {
        int records = Integer.getInteger("load.records", 5000);
        int concurrency = Integer.getInteger("load.concurrency", 32);
        String template = Examples.placementNotification("load-template");
        long deliveriesBefore;
        warmUp(template);
        deliveriesBefore = delivered();
        List<String> recipients = jdbc.queryForList("""
                select distinct d.recipient from delivery d join intake_record r using (tracking_id)
                where r.message_id like 'warm-%'""", String.class);
        // the partners only store and count on the hot path; a sample is decrypted and verified afterwards
        recipients.forEach(id -> inbox(id).setOpenOnReceipt(false));
        try {
            carry(template, records, concurrency, deliveriesBefore);
        } finally {
            recipients.forEach(id -> inbox(id).setOpenOnReceipt(true));
        }
        int checked = 0;
        for (String id : recipients) {
            checked += openSample(id, 20);
        }
        assertThat(checked).isGreaterThan(0);
    }

    private void carry(String template, int records, int concurrency, long deliveriesBefore) throws Exception {

        long[] acceptNanos = new long[records];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger senders = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> new Thread(r, "load-client-" + senders.incrementAndGet()));
        List<PartnerClient> clients = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            clients.add(as("cs-suffolk"));
        }
        long cpuStart = processCpuNanos();
        long commitsStart = xactCommits();
        long walSyncsStart = walSyncs();
        long roundTripsStart = JdbcRoundTrips.roundTrips();
        long statementsStart = JdbcRoundTrips.STATEMENTS.sum();
        long batchesStart = JdbcRoundTrips.BATCHES.sum();
        long jdbcCommitsStart = JdbcRoundTrips.COMMITS.sum();
        ThreadCpu threads = new ThreadCpu(DEMO_PARTNERS_PORT);
        long start = System.nanoTime();
        java.time.Instant startedAt = java.time.Instant.now();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            PartnerClient client = clients.get(c);
            workers.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < records) {
                    byte[] body = Examples.bytes(Examples.withMessageId(template, "load-" + start + "-" + i));
                    long t0 = System.nanoTime();
                    int status = client.processMessage(body).statusCode();
                    acceptNanos[i] = System.nanoTime() - t0;
                    if (status != 202) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        long accepted = System.nanoTime();
        long expected = deliveriesBefore + 3L * records;
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200)).until(() -> delivered() >= expected);
        long done = System.nanoTime();
        long cpu = processCpuNanos() - cpuStart;
        Map<String, Long> byThread = threads.byGroup();
        double roundTrips = (JdbcRoundTrips.roundTrips() - roundTripsStart) / (double) records;
        double statements = (JdbcRoundTrips.STATEMENTS.sum() - statementsStart) / (double) records;
        double batches = (JdbcRoundTrips.BATCHES.sum() - batchesStart) / (double) records;
        double jdbcCommits = (JdbcRoundTrips.COMMITS.sum() - jdbcCommitsStart) / (double) records;
        // the statistics collector hears of commits up to half a second late
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        double commits = (xactCommits() - commitsStart) / (double) records;
        double walSyncs = (walSyncs() - walSyncsStart) / (double) records;
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);

        List<Double> endToEnd = jdbc.queryForList("""
                select extract(epoch from (d.delivered_at - r.received_at)) * 1000
                from delivery d join intake_record r using (tracking_id) where r.message_id like ?""",
                Double.class, "load-" + start + "-%");
        double[] e2e = endToEnd.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] accept = Arrays.stream(acceptNanos).mapToDouble(n -> n / 1e6).sorted().toArray();
        String report = String.format(Locale.ROOT, """
                CareBridge load harness: %d records x 3 recipients, %d concurrent senders, %d cores
                  accepted (202):       %d (refused %d) in %.2f s = %.0f records/s
                  accept latency:       p50 %.1f ms, p99 %.1f ms, max %.1f ms
                  delivered end to end: %d copies in %.2f s = %.0f records/s (%.0f copies/s)
                  intake to delivery:   p50 %.1f ms, p99 %.1f ms, max %.1f ms
                  load phase:           %s to %s
                  JVM CPU per record:   %.0f us (load client, gateway and demo partners; PostgreSQL not included)
                  load average:         %.2f
                  database per record:  %.1f round trips (%.1f statements, %.1f batches, %.1f commits/rollbacks sent); %.1f transactions committed (PostgreSQL's count, all clients); %.2f WAL fsyncs
                """, records, concurrency, Runtime.getRuntime().availableProcessors(),
                records - refused.get(), refused.get(), (accepted - start) / 1e9, records / ((accepted - start) / 1e9),
                pct(accept, 50), pct(accept, 99), accept[accept.length - 1],
                e2e.length, (done - start) / 1e9, records / ((done - start) / 1e9), e2e.length / ((done - start) / 1e9),
                pct(e2e, 50), pct(e2e, 99), e2e[e2e.length - 1],
                startedAt, java.time.Instant.now(), cpu / 1e3 / records, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                roundTrips, statements, batches, jdbcCommits, commits, walSyncs);
        StringBuilder cpuByThread = new StringBuilder("  JVM CPU per record by thread group (us):\n");
        byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() / 1e3 / records >= 10)
                .forEach(e -> cpuByThread.append(String.format(Locale.ROOT, "    %8.0f  %s%n", e.getValue() / 1e3 / records, e.getKey())));
        long threadSum = byThread.values().stream().mapToLong(Long::longValue).sum();
        cpuByThread.append(String.format(Locale.ROOT, "    %8.0f  (not in a live Java thread: GC, JIT, ended threads)%n", (cpu - threadSum) / 1e3 / records));
        report = report + cpuByThread;
        System.out.println(report);
        Files.writeString(Path.of("target", "load-report.txt"), report);
        assertThat(refused.get()).isZero();
        assertThat(e2e.length).isEqualTo(3 * records);
    }

    /** Decrypts and verifies up to {@code count} of the copies a partner stored without opening; returns how many. */
    private int openSample(String partnerId, int count) throws Exception {
        DemoInbox inbox = inbox(partnerId);
        List<Path> unopened = inbox.files().stream()
                .filter(f -> f.getFileName().toString().endsWith(".p7m"))
                .filter(f -> !Files.exists(f.resolveSibling(f.getFileName().toString().replace(".p7m", ".json"))))
                .toList();
        int step = Math.max(1, unopened.size() / count);
        int opened = 0;
        for (int i = 0; i < unopened.size() && opened < count; i += step) {
            byte[] content = inbox.open(unopened.get(i));
            assertThat(JSON.readTree(content).path("resourceType").asText()).isEqualTo("Bundle");
            opened++;
        }
        return opened;
    }

    private void warmUp(String template) throws Exception {
        PartnerClient client = as("cs-suffolk");
        long before = delivered();
        for (int i = 0; i < 200; i++) {
            client.processMessage(Examples.bytes(Examples.withMessageId(template, "warm-" + System.nanoTime() + "-" + i)));
        }
        await().atMost(Duration.ofMinutes(2)).until(() -> delivered() >= before + 600);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private long xactCommits() {
        return jdbc.queryForObject("select xact_commit from pg_stat_database where datname = current_database()", Long.class);
    }

    private long walSyncs() {
        return jdbc.queryForObject("select wal_sync from pg_stat_wal", Long.class);
    }

    private long delivered() {
        return jdbc.queryForObject("select count(*) from delivery where state = 'DELIVERED'", Long.class);
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
