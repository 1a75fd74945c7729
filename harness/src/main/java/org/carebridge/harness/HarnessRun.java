package org.carebridge.harness;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One harness run: starts the sink partners, the gateway jar ({@code java -jar}, its own data directory, ports and a
 * copy of the configuration whose partner endpoints point at the sinks) and, afterwards, the plain Camel baseline;
 * drives each with load generator processes (closed loop for the maximum, then open loop at a fraction of the
 * gateway's maximum) and prints one table with every figure beside the baseline's.
 */
public final class HarnessRun {

    private static final int RECIPIENTS = 3;
    private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final Path jar = Path.of(System.getProperty("harness.gateway-jar"));
    private final Path config = Path.of(System.getProperty("harness.config-dir"));
    private final Path run;
    private final boolean withBaseline = Boolean.parseBoolean(System.getProperty("harness.baseline", "true"));
    private final int runs = Integer.getInteger("harness.runs", 1);
    private final double seconds = Double.parseDouble(System.getProperty("harness.seconds", "20"));
    private final int connections = Integer.getInteger("harness.connections", 16);
    private final double fixedRate = Double.parseDouble(System.getProperty("harness.rate", "0"));
    private final double loadFraction = Double.parseDouble(System.getProperty("harness.load-fraction", "0.7"));
    private final int warmup = Integer.getInteger("harness.warmup", 300);
    private final String heap = System.getProperty("harness.heap", "1g");
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String classpath = System.getProperty("java.class.path");
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> started = new ArrayList<>();
    private final String stamp = Long.toString(System.currentTimeMillis(), 36);

    private final String loadAtStart = loadAverage();
    /** Per system: CPU in ms per second with no load, of the JVM and of PostgreSQL. */
    private final Map<String, double[]> idle = new LinkedHashMap<>();
    private int sinkPort;
    private int sinkControl;
    private Path pkiDir;
    private Path template;

    private HarnessRun() throws IOException {
        Path out = Path.of(System.getProperty("harness.out", "target"));
        run = Files.createDirectories(out.resolve("harness-run-" + stamp)).toAbsolutePath();
    }

    public static void main(String[] args) throws Exception {
        HarnessRun harness = new HarnessRun();
        Runtime.getRuntime().addShutdownHook(new Thread(harness::stopAll));
        try {
            harness.execute();
        } finally {
            harness.stopAll();
        }
    }

    /** What one system measured in one phase. */
    record Phase(String system, String mode, double rate, int accepted, int refused, int delivered, double acceptedPerSecond,
                 double deliveredPerSecond, double e2eP50, double e2eP99, double e2eP999, double acceptP50, double acceptP99,
                 double acceptP999, double cpuPerRecordUs, double postgresPerRecordUs) {
    }

    /** A system under test: the gateway or the baseline. */
    record System_(String name, Process process, String url, long postgresPid) {
    }

    private void execute() throws Exception {
        sinkPort = freePort();
        sinkControl = freePort();
        template = config.resolve("examples/placement-notification.json");
        Map<String, List<Phase>> results = new LinkedHashMap<>();
        Map<String, String> memory = new LinkedHashMap<>();
        Map<String, String> verified = new LinkedHashMap<>();

        log("run directory " + run);
        System_ gateway = startGateway();
        startSinks();
        double openRate;
        try {
            results.put("gateway", measureClosed(gateway));
            openRate = openRate(results.get("gateway"));
            results.get("gateway").addAll(measureOpen(gateway, openRate));
            verified.put("gateway", sinkGet("/verify?prefix=gateway-"));
            memory.put("gateway", memory(gateway));
        } finally {
            stop(gateway);
        }
        if (withBaseline) {
            System_ baseline = startBaseline();
            try {
                results.put("baseline", measureClosed(baseline));
                results.get("baseline").addAll(measureOpen(baseline, openRate));
                verified.put("baseline", sinkGet("/verify?prefix=baseline-"));
                memory.put("baseline", memory(baseline));
            } finally {
                stop(baseline);
            }
        }
        String report = table(results, memory, openRate, verified);
        System.out.println(report);
        Files.writeString(run.resolve("harness-report.md"), report);
        Files.writeString(run.getParent().resolve("harness-report.md"), report);
        // every system's sample must have opened, and there must have been one
        if (!verified.values().stream().allMatch(v -> v.lines().findFirst().orElse("").matches("checked [1-9]\\d* failed 0"))) {
            throw new IllegalStateException("the sampled copies did not all open: " + verified);
        }
    }

    private double openRate(List<Phase> closed) {
        if (fixedRate > 0) {
            return fixedRate;
        }
        return loadFraction * median(closed.stream().filter(p -> p.mode().equals("closed")).mapToDouble(Phase::deliveredPerSecond).toArray());
    }

    private List<Phase> measureClosed(System_ system) throws Exception {
        phase(system, "warm", "closed", 0, warmup, 0);
        idle.put(system.name(), idleCpu(system));
        List<Phase> phases = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            phases.add(phase(system, "closed" + r, "closed", 0, 0, seconds));
        }
        return phases;
    }

    private List<Phase> measureOpen(System_ system, double rate) throws Exception {
        List<Phase> phases = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            phases.add(phase(system, "open" + r, "open", rate, 0, seconds));
        }
        return phases;
    }

    private Phase phase(System_ system, String label, String loadMode, double rate, int records, double duration) throws Exception {
        String prefix = system.name() + "-" + stamp + "-" + label + "-";
        Path out = run.resolve("load-" + system.name() + "-" + label + ".txt");
        long cpu0 = ProcessCpu.nanos(system.process().pid(), false);
        long pg0 = system.postgresPid() > 0 ? ProcessCpu.treeNanos(system.postgresPid()) : 0;
        Process load = start("load-" + system.name() + "-" + label, List.of(java, "-Xmx256m", "-cp", classpath,
                LoadGenerator.class.getName(), system.url(), pkiDir.toString(), "cs-suffolk", template.toString(), prefix,
                loadMode, Double.toString(rate), Integer.toString(records), Double.toString(duration),
                Integer.toString(connections), out.toString()));
        if (!load.waitFor(30, TimeUnit.MINUTES) || load.exitValue() != 0) {
            throw new IllegalStateException("load generator failed; see " + run.resolve("load-" + system.name() + "-" + label + ".log"));
        }
        Map<String, String> summary = new HashMap<>();
        Map<Integer, Long> acceptedAt = new HashMap<>();
        boolean inRecords = false;
        for (String line : Files.readAllLines(out)) {
            if (line.equals("records")) {
                inRecords = true;
            } else if (inRecords) {
                String[] f = line.split(" ");
                acceptedAt.put(Integer.parseInt(f[0]), Long.parseLong(f[1]));
            } else {
                String[] kv = line.split("=", 2);
                summary.put(kv[0], kv[1]);
            }
        }
        int accepted = Integer.parseInt(summary.get("accepted"));
        long expected = (long) RECIPIENTS * accepted;
        waitForDeliveries(prefix, expected);
        long cpu = ProcessCpu.nanos(system.process().pid(), false) - cpu0;
        long pg = system.postgresPid() > 0 ? ProcessCpu.treeNanos(system.postgresPid()) - pg0 : 0;

        Histogram e2e = new Histogram(Duration.ofMinutes(30).toNanos() / 1000, 3);
        long last = 0;
        int copies = 0;
        for (String line : sinkGet("/arrivals?prefix=" + prefix).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            long at = Long.parseLong(f[2]);
            Long acceptedNanos = acceptedAt.get(Integer.parseInt(f[1].substring(prefix.length())));
            if (acceptedNanos != null) {
                // a copy may reach the sink before the 202 reaches the client: the promise was already made
                e2e.recordValue(Math.max(0, at - acceptedNanos) / 1000);
            }
            last = Math.max(last, at);
            copies++;
        }
        long start = Long.parseLong(summary.get("start"));
        long end = Long.parseLong(summary.get("end"));
        int delivered = copies / RECIPIENTS;
        Phase phase = new Phase(system.name(), loadMode, rate, accepted, Integer.parseInt(summary.get("refused")), delivered,
                accepted / ((end - start) / 1e9), delivered / ((Math.max(last, end) - start) / 1e9),
                e2e.getValueAtPercentile(50) / 1e3, e2e.getValueAtPercentile(99) / 1e3, e2e.getValueAtPercentile(99.9) / 1e3,
                Long.parseLong(summary.get("accept.p50")) / 1e3, Long.parseLong(summary.get("accept.p99")) / 1e3,
                Long.parseLong(summary.get("accept.p999")) / 1e3,
                delivered == 0 ? 0 : cpu / 1e3 / delivered,
                system.postgresPid() <= 0 ? Double.NaN : delivered == 0 ? 0 : pg / 1e3 / delivered);
        log(String.format(Locale.ROOT, "%s %s: accepted %d (refused %d) at %.0f/s, delivered %d records at %.0f/s; "
                        + "acceptance to delivery p50 %.1f p99 %.1f p99.9 %.1f ms; 202 p50 %.1f p99 %.1f p99.9 %.1f ms; CPU %.0f us/record, PostgreSQL %.0f us/record",
                system.name(), label, accepted, phase.refused(), phase.acceptedPerSecond(), delivered, phase.deliveredPerSecond(),
                phase.e2eP50(), phase.e2eP99(), phase.e2eP999(), phase.acceptP50(), phase.acceptP99(), phase.acceptP999(),
                phase.cpuPerRecordUs(), phase.postgresPerRecordUs()));
        return phase;
    }

    /** Ten seconds with no load after the warm-up: the background work that every per-record figure also carries. */
    private double[] idleCpu(System_ system) throws InterruptedException {
        long cpu0 = ProcessCpu.nanos(system.process().pid(), false);
        long pg0 = system.postgresPid() > 0 ? ProcessCpu.treeNanos(system.postgresPid()) : 0;
        long t0 = System.nanoTime();
        Thread.sleep(10_000);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double jvm = (ProcessCpu.nanos(system.process().pid(), false) - cpu0) / 1e6 / elapsed;
        double pg = system.postgresPid() > 0 ? (ProcessCpu.treeNanos(system.postgresPid()) - pg0) / 1e6 / elapsed : Double.NaN;
        log(String.format(Locale.ROOT, "%s idle: JVM %.1f ms CPU per s, PostgreSQL %.1f ms per s", system.name(), jvm, pg));
        return new double[] {jvm, pg};
    }

    /** Until every copy arrived, or nothing new arrived for a minute. */
    private void waitForDeliveries(String prefix, long expected) throws Exception {
        long seen = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            long now = Long.parseLong(sinkGet("/count?prefix=" + prefix).trim());
            if (now >= expected) {
                return;
            }
            if (now != seen) {
                seen = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.MINUTES.toNanos(1)) {
                log("only " + now + " of " + expected + " copies arrived for " + prefix);
                return;
            }
            Thread.sleep(200);
        }
    }

    private System_ startGateway() throws Exception {
        Path data = Files.createDirectories(run.resolve("gateway-data"));
        pkiDir = data.resolve("pki");
        Path ownConfig = copyConfig();
        int port = freePort();
        int management = freePort();
        Process gateway = start("gateway", List.of(java, "-Xmx" + heap, "-Xlog:gc:file=" + run.resolve("gc-gateway.log"),
                "-jar", jar.toString(),
                "--carebridge.data-dir=" + data,
                "--carebridge.config-dir=" + ownConfig,
                "--server.port=" + port,
                "--management.server.port=" + management,
                "--carebridge.demo-partners.enabled=false",
                "--carebridge.demo-partners.port=" + freePort(),
                "--carebridge.demo-partners.sftp-port=" + freePort(),
                "--carebridge.demo-partners.smtp-port=" + freePort(),
                // the example's placement time is long past; breach alerts would only add copies nobody measures
                "--carebridge.clocks.scan-interval=1h"));
        await("the gateway to report healthy", Duration.ofMinutes(10), gateway, () -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/actuator/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        long postgres = Long.parseLong(Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
        log("gateway up (pid " + gateway.pid() + ", PostgreSQL pid " + postgres + ")");
        return new System_("gateway", gateway, "https://localhost:" + port + "/fhir/$process-message", postgres);
    }

    /** The harness's own configuration: the project's, with every demo partner endpoint at the sinks. */
    private Path copyConfig() throws IOException {
        Path target = run.resolve("config");
        try (Stream<Path> files = Files.walk(config)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(config.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path partners = target.resolve("partners.yaml");
        Files.writeString(partners, Files.readString(partners)
                .replace("${carebridge.demo-partners.base-url}", "https://localhost:" + sinkPort));
        return target;
    }

    private void startSinks() throws Exception {
        Process sinks = start("sinks", List.of(java, "-Xmx512m", "-cp", classpath, SinkPartners.class.getName(),
                pkiDir.toString(), Integer.toString(sinkPort), Integer.toString(sinkControl)));
        await("the sink partners", Duration.ofMinutes(2), sinks, () -> {
            try {
                sinkGet("/count");
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private System_ startBaseline() throws Exception {
        Path data = Files.createDirectories(run.resolve("baseline-data"));
        int port = freePort();
        Path logFile = run.resolve("baseline.log");
        Process baseline = start("baseline", List.of(java, "-Xmx" + heap, "-Xlog:gc:file=" + run.resolve("gc-baseline.log"),
                "-cp", classpath, "org.carebridge.harness.baseline.BaselineApplication",
                "--server.port=" + port,
                "--baseline.pki-dir=" + pkiDir,
                "--baseline.sink-url=https://localhost:" + sinkPort,
                "--spring.artemis.embedded.data-directory=" + data.resolve("artemis")));
        await("the baseline to start", Duration.ofMinutes(5), baseline,
                () -> {
                    try {
                        return Files.readString(logFile).contains("Started BaselineApplication");
                    } catch (IOException e) {
                        return false;
                    }
                });
        log("baseline up (pid " + baseline.pid() + ")");
        return new System_("baseline", baseline, "https://localhost:" + port + "/fhir/$process-message", 0);
    }

    /** Heap before and after collections from the GC log, and the resident set's peak, over the process's life. */
    private String memory(System_ system) throws IOException {
        long peakBefore = 0;
        long peakAfter = 0;
        Path gc = run.resolve("gc-" + system.name() + ".log");
        if (Files.exists(gc)) {
            for (String line : Files.readAllLines(gc)) {
                Matcher m = GC_PAUSE.matcher(line);
                if (m.find()) {
                    peakBefore = Math.max(peakBefore, Long.parseLong(m.group(1)));
                    peakAfter = Math.max(peakAfter, Long.parseLong(m.group(2)));
                }
            }
        }
        return peakBefore + " " + peakAfter + " " + ProcessCpu.peakRssBytes(system.process().pid()) / (1024 * 1024);
    }

    private String table(Map<String, List<Phase>> results, Map<String, String> memory, double openRate, Map<String, String> verified) {
        List<Phase> g = results.get("gateway");
        List<Phase> b = results.getOrDefault("baseline", List.of());
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "CareBridge harness, %s: %d cores, %d run(s) of %.0f s per phase, %d connections, "
                        + "%d recipients per record; open loop at %.1f records/s; medians of the runs%n%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), runs, seconds, connections, RECIPIENTS, openRate));
        t.append("load average (1, 5, 15 min) at the start: ").append(loadAtStart).append("; at the end: ").append(loadAverage()).append("\n\n");
        t.append("| measure | gateway | baseline | gateway / baseline |\n|---|---|---|---|\n");
        row(t, "closed loop: sustained end to end (records/s)", g, b, "closed", Phase::deliveredPerSecond, "%.1f");
        row(t, "closed loop: accepted (records/s)", g, b, "closed", Phase::acceptedPerSecond, "%.1f");
        row(t, "closed loop: CPU per record, JVM (us)", g, b, "closed", Phase::cpuPerRecordUs, "%.0f");
        row(t, "closed loop: CPU per record, PostgreSQL (us)", g, b, "closed", Phase::postgresPerRecordUs, "%.0f");
        row(t, "open loop: delivered (records/s)", g, b, "open", Phase::deliveredPerSecond, "%.1f");
        row(t, "open loop: acceptance to delivery p50 (ms)", g, b, "open", Phase::e2eP50, "%.1f");
        row(t, "open loop: acceptance to delivery p99 (ms)", g, b, "open", Phase::e2eP99, "%.1f");
        row(t, "open loop: acceptance to delivery p99.9 (ms)", g, b, "open", Phase::e2eP999, "%.1f");
        row(t, "open loop: 202 p50 (ms, from the due time)", g, b, "open", Phase::acceptP50, "%.1f");
        row(t, "open loop: 202 p99 (ms, from the due time)", g, b, "open", Phase::acceptP99, "%.1f");
        row(t, "open loop: 202 p99.9 (ms, from the due time)", g, b, "open", Phase::acceptP999, "%.1f");
        row(t, "open loop: CPU per record, JVM (us)", g, b, "open", Phase::cpuPerRecordUs, "%.0f");
        row(t, "open loop: CPU per record, PostgreSQL (us)", g, b, "open", Phase::postgresPerRecordUs, "%.0f");
        double[] gi = idle.getOrDefault("gateway", new double[] {Double.NaN, Double.NaN});
        double[] bi = idle.getOrDefault("baseline", new double[] {Double.NaN, Double.NaN});
        t.append(cells("no load, after the warm-up: CPU, JVM (ms per s)", gi[0], bi[0], "%.1f"));
        t.append(cells("no load, after the warm-up: CPU, PostgreSQL (ms per s)", gi[1], bi[1], "%.1f"));
        String[] gm = memory.getOrDefault("gateway", "0 0 0").split(" ");
        String[] bm = memory.getOrDefault("baseline", "0 0 0").split(" ");
        String[] names = {"heap peak before a collection (MB)", "heap peak after a collection (MB)", "RSS peak (MB)"};
        for (int i = 0; i < 3; i++) {
            t.append(cells(names[i], Double.parseDouble(gm[i]), Double.parseDouble(bm[i]), "%.0f"));
        }
        int refused = Stream.concat(g.stream(), b.stream()).mapToInt(Phase::refused).sum();
        t.append(String.format(Locale.ROOT, "%nrefused or failed requests in all phases: %d%n", refused));
        verified.forEach((system, result) -> t.append("sampled copies opened at the sinks, ").append(system).append(": ")
                .append(result.strip().replace("\n", "; ")).append('\n'));
        return t.toString();
    }

    private static void row(StringBuilder t, String name, List<Phase> g, List<Phase> b, String mode,
                            java.util.function.ToDoubleFunction<Phase> figure, String format) {
        double gv = median(g.stream().filter(p -> p.mode().equals(mode)).mapToDouble(figure).toArray());
        double bv = median(b.stream().filter(p -> p.mode().equals(mode)).mapToDouble(figure).toArray());
        t.append(cells(name, gv, bv, format));
    }

    private static String cells(String name, double gv, double bv, String format) {
        String ratio = bv > 0 && !Double.isNaN(gv) ? String.format(Locale.ROOT, "%.2f", gv / bv) : "-";
        return "| " + name + " | " + (Double.isNaN(gv) ? "-" : String.format(Locale.ROOT, format, gv)) + " | "
                + (Double.isNaN(bv) ? "-" : String.format(Locale.ROOT, format, bv)) + " | " + ratio + " |\n";
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private String sinkGet(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sinkControl + path)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private Process start(String name, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).directory(run.toFile()).redirectErrorStream(true)
                .redirectOutput(new File(run.toFile(), name + ".log")).start();
        synchronized (started) {
            started.add(process);
        }
        return process;
    }

    private void await(String what, Duration atMost, Process process, BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("stopped while waiting for " + what + "; see the logs in " + run);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + "; see the logs in " + run);
            }
            Thread.sleep(500);
        }
    }

    private void stop(System_ system) throws InterruptedException {
        stop(system.process());
        if (system.postgresPid() > 0) {
            // a gateway that had to be killed leaves its embedded PostgreSQL behind: shut it down fast (SIGINT)
            ProcessHandle.of(system.postgresPid()).ifPresent(pg -> {
                try {
                    new ProcessBuilder("kill", "-INT", Long.toString(system.postgresPid())).start().waitFor();
                    pg.onExit().get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    pg.destroyForcibly();
                }
            });
        }
    }

    private static void stop(Process process) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private void stopAll() {
        synchronized (started) {
            for (Process process : started) {
                try {
                    stop(process);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void log(String message) {
        System.out.println("[harness] " + message);
    }
}
