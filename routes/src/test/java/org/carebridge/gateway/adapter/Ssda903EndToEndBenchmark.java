package org.carebridge.gateway.adapter;

import org.carebridge.connectors.inbound.Acknowledgement;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.connectors.inbound.Ssda903Inbound;
import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fast a large SSDA903 return is accepted end to end: a zip of N new placement episodes (one child each, placed in
 * Norfolk from Suffolk, three recipients each) read, checked, mapped and handed row by row to the governed intake of
 * the running gateway (decision, minimisation, sealing, storage, ledger, dispatch), as the SFTP route hands it a file.
 * Prints episodes per second; asserts only that every episode was accepted, never a time. Not part of the normal build:
 * {@code ./mvnw -pl routes -am -Pbench verify -Dtest=Ssda903EndToEndBenchmark -Dbench.episodes=10000}.
 */
@Tag("bench")
class Ssda903EndToEndBenchmark extends GatewayTest {

    private static final DateTimeFormatter DDMMYYYY = DateTimeFormatter.ofPattern("dd/MM/yyyy");

    @Autowired
    GovernedIntake intake;

    @Autowired
    CollectionYears years;

    @Autowired
    ChildrensHomes homes;

    @Test
    void tenThousandEpisodesAcceptedEndToEnd(@TempDir Path dir) throws IOException {
        int episodes = Integer.getInteger("bench.episodes", 10000);
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 4).toUpperCase();
        String placed = LocalDate.now(ZoneId.of("Europe/London")).minusDays(2).format(DDMMYYYY);
        Path zip = dir.resolve("return.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Writer text = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
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
        Ssda903Settings settings = new Ssda903Settings("cs-suffolk", "Suffolk County Council Children's Services", "E10000029",
                years.year("2025-26").orElseThrow(), null, Ssda903Settings.UnknownColumns.WARN);
        Ssda903Inbound files = new Ssda903Inbound(intake, settings, Period.ofDays(30), homes, Ssda903Inbound.Form.CSV,
                ZippedTables.Limits.DEFAULT, Clock.systemUTC());

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        threads.setThreadCpuTimeEnabled(true);
        Map<Long, Long> before = cpuByThread(threads);
        long callerBefore = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        Acknowledgement ack = files.receive("return.zip", zip);
        double seconds = (System.nanoTime() - start) / 1e9;
        long caller = threads.getCurrentThreadCpuTime() - callerBefore;
        Map<String, Long> spent = new TreeMap<>();
        cpuByThread(threads).forEach((id, now) -> {
            ThreadInfo info = threads.getThreadInfo(id);
            if (info != null) {
                spent.merge(info.getThreadName().replaceAll("\\d+", "#"), now - before.getOrDefault(id, 0L), Long::sum);
            }
        });
        long total = spent.values().stream().mapToLong(Long::longValue).sum();

        assertThat(ack.counts().get(Acknowledgement.Outcome.ACCEPTED)).as(ack.summary()).isEqualTo(episodes);
        System.out.printf("SSDA903 end to end: %d episodes accepted in %.1f s (%.0f episodes/s, %d processors); "
                        + "JVM thread CPU %.2f ms per episode, of which the file's own thread %.2f ms%n",
                episodes, seconds, episodes / seconds, Runtime.getRuntime().availableProcessors(),
                total / 1e6 / episodes, caller / 1e6 / episodes);
        spent.entrySet().stream().filter(e -> e.getValue() > total / 100)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %-50s %8.2f ms per episode%n", e.getKey(), e.getValue() / 1e6 / episodes));
    }

    private static Map<Long, Long> cpuByThread(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }
}
