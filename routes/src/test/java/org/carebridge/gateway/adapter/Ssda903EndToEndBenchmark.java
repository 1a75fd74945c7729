package org.carebridge.gateway.adapter;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.carebridge.connectors.inbound.Acknowledgement;
import org.carebridge.connectors.inbound.Ssda903Inbound;
import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.load.PostgresCpu;
import org.carebridge.gateway.load.ThreadCpu;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How fast a large SSDA903 return is taken end to end: a zip of N new placement episodes (one child each, placed in
 * Norfolk from Suffolk, three recipients each) read, checked, mapped and handed a batch at a time to the governed
 * intake of the running gateway (decision, minimisation, sealing, storage, ledger, dispatch), as the SFTP route hands
 * it a file, while the copies are delivered alongside over mutual TLS to the simulated partners.
 *
 * <p>Two times: until every episode was accepted (the file's answer), and until every copy was delivered. The
 * partners' receivers, in this same JVM and on the same cores, store and count each sealed copy without opening it,
 * as the load harness's do, so that their decryption does not weigh on the gateway's figures; afterwards a sample of
 * each partner's copies is decrypted and its signature verified, so the copies are proven, not assumed. Prints
 * JVM thread CPU per episode by thread for both windows, and the load average; asserts only that every episode was
 * accepted, every copy delivered and every sampled copy opened, never a time. Not part of the normal build:
 * {@code ./mvnw -pl routes -am -Pbench verify -Dtest=Ssda903EndToEndBenchmark -Dbench.episodes=10000}.
 *
 * <p>Also prints PostgreSQL's CPU until acceptance (its server's processes' time, read from {@code /proc}); with
 * {@code -Dbench.pgstat=true} the embedded PostgreSQL loads {@code pg_stat_statements}, and the statements that took
 * most of its time over the whole run are printed too.
 */
@Tag("bench")
class Ssda903EndToEndBenchmark extends Ssda903Returns {

    private static final DateTimeFormatter DDMMYYYY = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final int SAMPLE_PER_PARTNER = 20;
    private static final String FILE_THREAD = "the file's own thread (reading, checking, mapping)";

    @Autowired
    PartnerRegistry partners;

    @Autowired
    FhirContext fhir;

    private static final boolean PGSTAT = Boolean.getBoolean("bench.pgstat");

    @DynamicPropertySource
    static void statementStatistics(DynamicPropertyRegistry registry) {
        if (PGSTAT) {
            registry.add("carebridge.embedded.statement-statistics", () -> "true");
        }
    }

    @Test
    void tenThousandEpisodesAcceptedEndToEnd() throws Exception {
        int episodes = Integer.getInteger("bench.episodes", 10000);
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 4).toUpperCase();
        Path zip = zip(dir.resolve("return.zip"), run, episodes);
        Ssda903Inbound files = inbound();

        List<DemoInbox> sinks = partners.all().stream().map(Partner::id).map(demoPartners::inbox)
                .flatMap(java.util.Optional::stream).toList();
        sinks.forEach(inbox -> inbox.setOpenOnReceipt(false));
        Acknowledgement ack;
        double loadBefore = loadAverage();
        ThreadCpu cpu = new ThreadCpu(demoPartners.port(), FILE_THREAD);
        if (PGSTAT) {
            jdbc.execute("create extension if not exists pg_stat_statements");
            jdbc.queryForList("select pg_stat_statements_reset()");
        }
        long postgresBefore = PostgresCpu.nanos(jdbc);
        long start = System.nanoTime();
        java.time.Instant startedAt = java.time.Instant.now();
        Map<String, Long> untilAccepted;
        Map<String, Long> untilDelivered;
        double accepted;
        double delivered;
        double loadAccepted;
        long postgresAccepted;
        long copies;
        List<UUID> trackingIds = new ArrayList<>(episodes);
        try {
            ack = files.receive("return.zip", zip);
            accepted = (System.nanoTime() - start) / 1e9;
            untilAccepted = cpu.byGroup();
            postgresAccepted = PostgresCpu.nanos(jdbc) - postgresBefore;
            loadAccepted = loadAverage();
            assertThat(ack.counts().get(Acknowledgement.Outcome.ACCEPTED)).as(ack.summary()).isEqualTo(episodes);
            for (Acknowledgement.Line line : ack.lines()) {
                if (line.outcome() == Acknowledgement.Outcome.ACCEPTED) {
                    trackingIds.add(UUID.fromString(line.trackingId()));
                }
            }
            copies = deliveries(trackingIds)[0];
            // polled seldom, so as not to load the database it measures; the time is the last copy's delivered_at
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> deliveries(trackingIds)[1] >= copies);
            delivered = (deliveries(trackingIds)[2] - (startedAt.getEpochSecond() * 1_000_000 + startedAt.getNano() / 1000)) / 1e6;
            untilDelivered = cpu.byGroup();
        } finally {
            sinks.forEach(inbox -> inbox.setOpenOnReceipt(true));
        }
        double loadDelivered = loadAverage();
        int opened = openSample(ack, trackingIds);

        long acceptedCpu = untilAccepted.values().stream().mapToLong(Long::longValue).sum();
        long deliveredCpu = untilDelivered.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "SSDA903 end to end: %d episodes accepted in %.1f s (%.0f episodes/s); all %d copies "
                        + "delivered in %.1f s (%.0f copies/s; %d sampled copies opened and checked); JVM thread CPU per "
                        + "episode %.2f ms until accepted (intake %.2f ms), %.2f ms until delivered; load average %.2f at "
                        + "start, %.2f when accepted, %.2f when delivered; %d processors%n",
                episodes, accepted, episodes / accepted, copies, delivered, copies / delivered, opened,
                acceptedCpu / 1e6 / episodes, intakeCpu(untilAccepted) / 1e6 / episodes, deliveredCpu / 1e6 / episodes,
                loadBefore, loadAccepted, loadDelivered, Runtime.getRuntime().availableProcessors());
        print("until accepted", untilAccepted, acceptedCpu, episodes);
        System.out.printf(Locale.ROOT, "  PostgreSQL's CPU per episode until accepted: %.2f ms%n",
                postgresAccepted / 1e6 / episodes);
        if (PGSTAT) {
            System.out.println("  PostgreSQL statements by time over the whole run (calls, rows, total ms, mean ms, buffers, WAL bytes):");
            jdbc.query("""
                    select calls, rows, round(total_exec_time) as total, round(mean_exec_time::numeric, 2) as mean,
                           shared_blks_hit + shared_blks_read as buffers, wal_bytes,
                           left(regexp_replace(query, '\\s+', ' ', 'g'), 140) as query
                    from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time desc limit 15""",
                    (org.springframework.jdbc.core.RowCallbackHandler) row -> System.out.printf(Locale.ROOT,
                            "    %8d %8d %8d %8s %10d %12d  %s%n", row.getLong(1), row.getLong(2), row.getLong(3),
                            row.getString(4), row.getLong(5), row.getLong(6), row.getString(7)));
        }
        print("until delivered", untilDelivered, deliveredCpu, episodes);
        assertThat(opened).isEqualTo(SAMPLE_PER_PARTNER * recipientsOf(trackingIds).size());
    }

    private static Path zip(Path zip, String run, int episodes) throws IOException {
        String placed = LocalDate.now(ZoneId.of("Europe/London")).minusDays(2).format(DDMMYYYY);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            out.putNextEntry(new ZipEntry("Header.csv"));
            text.write("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n");
            for (int i = 0; i < episodes; i++) {
                text.write("B" + run + String.format("%05d", i) + ",2,14/03/2012,WBRI,UN4,,\r\n");
            }
            text.flush();
            out.closeEntry();
            out.putNextEntry(new ZipEntry("Episodes.csv"));
            text.write("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n");
            for (int i = 0; i < episodes; i++) {
                text.write("B" + run + String.format("%05d", i) + "," + placed + ",P,C2,N1,K2,PR4,,,CARPL,,,SC480321\r\n");
            }
            text.flush();
            out.closeEntry();
        }
        return zip;
    }

    /** The run's copies: how many there are, how many are delivered, and when the last was (epoch microseconds). */
    private long[] deliveries(List<UUID> trackingIds) {
        return jdbc.execute((ConnectionCallback<long[]>) connection -> {
            Array ids = connection.createArrayOf("uuid", trackingIds.toArray());
            try (PreparedStatement query = connection.prepareStatement(
                    """
                    select count(*), count(*) filter (where state = 'DELIVERED'),
                           coalesce(floor(extract(epoch from max(delivered_at)) * 1000000), 0)::bigint
                    from delivery where tracking_id = any(?)""")) {
                query.setArray(1, ids);
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    return new long[] {result.getLong(1), result.getLong(2), result.getLong(3)};
                }
            } finally {
                ids.free();
            }
        });
    }

    private List<String> recipientsOf(List<UUID> trackingIds) {
        return jdbc.execute((ConnectionCallback<List<String>>) connection -> {
            Array ids = connection.createArrayOf("uuid", trackingIds.toArray());
            try (PreparedStatement query = connection.prepareStatement(
                    "select distinct recipient from delivery where tracking_id = any(?) order by recipient")) {
                query.setArray(1, ids);
                List<String> recipients = new ArrayList<>();
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        recipients.add(result.getString(1));
                    }
                }
                return recipients;
            } finally {
                ids.free();
            }
        });
    }

    /**
     * Opens, as each partner would, {@value #SAMPLE_PER_PARTNER} of the copies it received, spread over the file (a
     * sealed copy decrypted and the gateway's signature verified, a plain one parsed strictly): each must be the
     * message Bundle its name says.
     */
    private int openSample(Acknowledgement ack, List<UUID> trackingIds) throws IOException {
        List<String> messageIds = ack.lines().stream().filter(l -> l.outcome() == Acknowledgement.Outcome.ACCEPTED)
                .map(Acknowledgement.Line::messageId).toList();
        int opened = 0;
        for (String recipient : recipientsOf(trackingIds)) {
            DemoInbox inbox = inbox(recipient);
            int step = Math.max(1, messageIds.size() / SAMPLE_PER_PARTNER);
            for (int i = 0, taken = 0; i < messageIds.size() && taken < SAMPLE_PER_PARTNER; i += step, taken++) {
                Path copy = inbox.dir().resolve(messageIds.get(i) + ".p7m");
                // a partner that takes its copies unsealed (over mutual TLS) has them as JSON, to be read as they came
                byte[] content = Files.exists(copy) ? inbox.open(copy) : Files.readAllBytes(inbox.dir().resolve(messageIds.get(i) + ".json"));
                Bundle bundle = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler())
                        .parseResource(Bundle.class, new String(content, StandardCharsets.UTF_8));
                assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.MESSAGE);
                assertThat(bundle.getIdElement().getIdPart()).as(recipient + " " + copy.getFileName()).isEqualTo(messageIds.get(i));
                opened++;
            }
        }
        return opened;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The file's own thread, the file threads and the hand-over between them: what taking the file costs. */
    private static long intakeCpu(Map<String, Long> byThread) {
        return byThread.entrySet().stream().filter(e -> e.getKey().equals(FILE_THREAD)
                        || e.getKey().endsWith("file-intake") || e.getKey().equals("file-handover"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static void print(String window, Map<String, Long> byThread, long total, int episodes) {
        System.out.printf(Locale.ROOT, "  JVM thread CPU per episode %s, by thread:%n", window);
        byThread.entrySet().stream().filter(e -> e.getValue() > total / 100)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "    %-60s %6.2f ms%n", e.getKey(), e.getValue() / 1e6 / episodes));
    }
}
