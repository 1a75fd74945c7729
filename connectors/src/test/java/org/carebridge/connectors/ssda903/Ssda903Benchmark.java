package org.carebridge.connectors.ssda903;

import org.carebridge.connectors.inbound.Acknowledgement;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.connectors.inbound.Ssda903Inbound;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a large SSDA903 CSV set (Header, Episodes and Missing, of the given total size) goes through the file path in a
 * small heap: the inbound's checking pass, its mapping pass handing batches of mapped rows to an intake that accepts
 * them, and the acknowledgement of every row written out. Not part of the build's tests:
 * {@code ./mvnw -pl connectors -am -Pbench test -Dtest=Ssda903Benchmark -Dbench.ssda903.mb=200} (the profile runs
 * with -Xmx256m). Prints the size, rows, time and the peak heap in use, sampled while it runs; asserts only that the
 * heap limit was in force and that every row was answered.
 */
@Tag("bench")
class Ssda903Benchmark {

    private static final DateTimeFormatter DDMMYYYY = DateTimeFormatter.ofPattern("dd/MM/yyyy");

    @TempDir
    Path dir;

    @Test
    void aLargeReturnMapsInASmallHeap() throws Exception {
        long target = Long.getLong("bench.ssda903.mb", 50) * 1024 * 1024;
        int children = 50_000;
        LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
        Path zip = dir.resolve("large.zip");
        long bytes = 0;
        long rows = 0;
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024)) {
            out.putNextEntry(new ZipEntry("Header.csv"));
            bytes += write(text, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n");
            for (int c = 0; c < children; c++) {
                bytes += write(text, "C" + c + "," + (1 + c % 2) + ",14/03/2012,WBRI,UN4,,\r\n");
                rows++;
            }
            text.flush();
            out.closeEntry();
            out.putNextEntry(new ZipEntry("Episodes.csv"));
            bytes += write(text, "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n");
            long episodesEnd = target * 9 / 10;
            // episodes over the last year: those of the last 30 days are new and mapped, the rest skipped as not new
            for (long row = 0; bytes < episodesEnd; row++) {
                bytes += write(text, "C" + (row % children) + "," + today.minusDays(1 + row % 360).format(DDMMYYYY)
                        + ",P,C2,N1,K2,PR4,,,CARPL,IP1 1AA,NR1 1AA,SC480321\r\n");
                rows++;
            }
            text.flush();
            out.closeEntry();
            out.putNextEntry(new ZipEntry("Missing.csv"));
            bytes += write(text, "CHILD,DOB,MISSING,MIS_START,MIS_END\r\n");
            for (long row = 0; bytes < target; row++) {
                bytes += write(text, "C" + (row % children) + ",14/03/2012," + (row % 2 == 0 ? "M" : "A") + ","
                        + today.minusDays(1 + row % 360).format(DDMMYYYY) + ",\r\n");
                rows++;
            }
            text.flush();
            out.closeEntry();
        }
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        HeapPeak peak = new HeapPeak();
        AtomicLong submitted = new AtomicLong();
        GovernedIntake accepting = new GovernedIntake() {
            @Override
            public Receipt submit(String partnerId, Bundle message, String via) {
                submitted.incrementAndGet();
                return Receipt.accepted("t-" + message.getIdElement().getIdPart(), 1);
            }

            @Override
            public void fileProcessed(String partnerId, String fileDigest, String outcome, String summary) {
            }
        };
        Ssda903Settings settings = new Ssda903Settings("cs-suffolk", "Suffolk", "E10000029",
                Ssda903Fixtures.YEARS.year("2025-26").orElseThrow(), null, Ssda903Settings.UnknownColumns.WARN);
        Ssda903Inbound inbound = new Ssda903Inbound(accepting, settings, Period.ofDays(30), Ssda903Fixtures.HOMES,
                Ssda903Inbound.Form.CSV, new ZippedTables.Limits(64, 1024L * 1024 * 1024, 1000), Clock.systemUTC());
        Path answer = dir.resolve("large.zip.ack.csv");

        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long began = System.nanoTime();
        long answered;
        String summary;
        try (Acknowledgement ack = inbound.receive("large.zip", zip); Writer out = Files.newBufferedWriter(answer)) {
            ack.writeCsv(out);
            answered = ack.counts().values().stream().mapToLong(Long::longValue).sum();
            summary = ack.summary();
            assertThat(ack.refused()).as(summary).isFalse();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        long peakBytes = peak.stop();

        assertThat(runtime.maxMemory()).isLessThanOrEqualTo(256L * 1024 * 1024);
        assertThat(answered).as(summary).isEqualTo(rows);
        System.out.printf("SSDA903 benchmark: a %d MB CSV set (Header, Episodes, Missing; zip %d MB), %d rows (%s), %d mapped "
                        + "messages handed to intake, %.1f s (%.0f rows/s, both passes), acknowledgement %d MB; max heap %d MB, "
                        + "peak heap in use %d MB (sampled), at most %d MB still in use after a collection; load average %.2f "
                        + "at start, %.2f at end (%d processors)%n",
                bytes / (1024 * 1024), Files.size(zip) / (1024 * 1024), rows, summary, submitted.get(), seconds, rows / seconds,
                Files.size(answer) / (1024 * 1024), runtime.maxMemory() / (1024 * 1024), peakBytes / (1024 * 1024),
                peak.live() / (1024 * 1024), loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                runtime.availableProcessors());
    }

    private static int write(Writer out, String line) throws IOException {
        out.write(line);
        return line.length();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    /**
     * The most heap in use at once, sampled every few milliseconds, and the most still in use just after a collection
     * (what the run really needed: the collector lets garbage fill a small heap before it collects).
     */
    private static final class HeapPeak {
        private final AtomicLong max = new AtomicLong();
        private final AtomicLong live = new AtomicLong();
        private volatile boolean running = true;
        private final Thread sampler;

        HeapPeak() {
            heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
            sampler = new Thread(() -> {
                while (running) {
                    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    max.accumulateAndGet(used, Math::max);
                    live.accumulateAndGet(heapPools().stream().filter(p -> p.getCollectionUsage() != null)
                            .mapToLong(p -> p.getCollectionUsage().getUsed()).sum(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                }
            }, "heap-peak");
            sampler.setDaemon(true);
            sampler.start();
        }

        long stop() throws InterruptedException {
            running = false;
            sampler.join();
            return max.get();
        }

        long live() {
            return live.get();
        }
    }
}
