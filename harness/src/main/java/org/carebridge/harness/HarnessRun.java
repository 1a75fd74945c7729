package org.carebridge.harness;

import org.HdrHistogram.Histogram;
import org.carebridge.security.crypto.Pem;
import org.carebridge.security.crypto.TlsContexts;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One harness run: starts the sink partners, the gateway jar ({@code java -jar}, its own data directory, ports and a
 * copy of the configuration whose partner endpoints point at the sinks) and, afterwards, the plain Camel baseline;
 * drives each with load generator processes (closed loop for the maximum, then open loop at a fraction of the
 * gateway's maximum) and prints one table with every figure beside the baseline's. The gateway alone then gets the
 * phases the baseline has no counterpart for ({@code harness.phases}): the urgent lane under the open loop's load, a
 * backfill, the ledger sampled throughout and verified offline at the end, and the primitive floor per record.
 */
public final class HarnessRun {

    private static final int RECIPIENTS = 3;
    /** The gateway's ledger settings, passed to it so that the schedule the harness checks is the one it runs. */
    private static final long CHECKPOINT_EVERY = 1000;
    private static final long LEDGER_BATCH = 500;
    private static final long CHECKPOINT_INTERVAL_SECONDS = 60;
    /** Urgent-lane records: sender, example, copies it yields (config/examples/README.md), name. */
    private static final List<String[]> URGENT = List.of(
            new String[] {"police-norfolk", "custody-notification.json", "3", "custody (Golden Hour)"},
            new String[] {"cs-suffolk", "missing-episode.json", "2", "missing episode"},
            new String[] {"police-suffolk", "mash-referral-urgent.json", "1", "urgent MASH referral"});
    /** The sealed recipients the primitive floor counts (issue 14: 3 per record), by their dev encryption keys. */
    private static final List<String> FLOOR_RECIPIENTS = List.of("cs-norfolk", "vs-suffolk", "cs-suffolk");
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
    private final int warmup = Integer.getInteger("harness.warmup", 2000);
    private final String heap = System.getProperty("harness.heap", "1g");
    private final Set<String> selected = Set.of(System.getProperty("harness.phases", "closed,open,urgent,backfill,floor")
            .replace(" ", "").split(","));
    private final int backfillRecords = Integer.getInteger("harness.backfill.records", 1_000_000);
    private final double urgentRate = Double.parseDouble(System.getProperty("harness.urgent.rate", "2"));
    private final double urgentSeconds = Double.parseDouble(System.getProperty("harness.urgent.seconds", "60"));
    /** Records the gateway with Java Flight Recorder (gateway.jfr in the run directory), to trace a stall. */
    private final boolean flightRecording = Boolean.parseBoolean(System.getProperty("harness.jfr", "false"));
    private final Path ledgerJar = Path.of(System.getProperty("harness.ledger-jar", "carebridge-ledger.jar"));
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
    private LedgerWatch ledger;
    private String databaseUrl;
    /** Per gateway phase label: what the ledger did. */
    private final Map<String, LedgerWatch.Window> ledgerWindows = new LinkedHashMap<>();
    /** Rows the gateway inserted per record in the closed loop (ledger entries included), for the database floor. */
    private double rowsPerRecord = Double.NaN;

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

    /** The urgent lane under background load: the urgent copies' and the bulk copies' latencies apart. */
    record Urgent(double bulkRate, double urgentRate, int urgentAccepted, int urgentCopies, int bulkAccepted, int bulkCopies,
                  int refused, double[] urgentE2e, double[] bulkE2e, double urgentAcceptP99, double[][] byKind,
                  int[] copiesByKind) {
    }

    /** The backfill: N records closed loop, end to end, with the memory it took. */
    record Backfill(int records, int accepted, int refused, int delivered, double seconds, double acceptSeconds,
                    double cpuPerRecordUs, double postgresPerRecordUs, long heapBefore, long heapAfter, long rssPeak,
                    long rssEnd) {
        double perSecond() {
            return delivered / seconds;
        }
    }

    /** What one load generator wrote: its summary and, per accepted record, when its 202 came. */
    record LoadResult(Map<String, String> summary, Map<Integer, Long> acceptedAt) {
        int accepted() {
            return Integer.parseInt(summary.get("accepted"));
        }

        int refused() {
            return Integer.parseInt(summary.get("refused"));
        }

        long start() {
            return Long.parseLong(summary.get("start"));
        }

        long end() {
            return Long.parseLong(summary.get("end"));
        }
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
        Urgent urgent = null;
        Backfill backfill = null;
        String ledgerVerified;
        PrimitiveCost.Database databaseFloor = null;
        PrimitiveCost.Crypto cryptoFloor = null;
        boolean closedSelected = selected.contains("closed") || (fixedRate <= 0 && (selected.contains("open") || selected.contains("urgent")));

        log("run directory " + run + "; phases " + selected);
        System_ gateway = startGateway();
        startSinks();
        double openRate = fixedRate;
        try {
            ledger = new LedgerWatch(databaseUrl + "postgres?user=postgres", CHECKPOINT_EVERY, LEDGER_BATCH, CHECKPOINT_INTERVAL_SECONDS * 1000);
            results.put("gateway", closedSelected ? measureClosed(gateway) : warmOnly(gateway));
            if (closedSelected) {
                openRate = openRate(results.get("gateway"));
            }
            if (selected.contains("open")) {
                results.get("gateway").addAll(measureOpen(gateway, openRate));
            }
            if (selected.contains("urgent")) {
                urgent = measureUrgent(gateway, openRate);
            }
            if (selected.contains("backfill")) {
                backfill = measureBackfill(gateway);
            }
            // every phase's facts, chained and checkpointed, must verify offline
            ledgerVerified = verifyLedger(gateway);
            if (selected.contains("floor")) {
                byte[] content = Files.readAllBytes(template);
                if (Double.isNaN(rowsPerRecord)) {
                    log("no closed loop ran, so the database floor takes 30 rows per record");
                    rowsPerRecord = 30;
                }
                databaseFloor = PrimitiveCost.database(databaseUrl, gateway.postgresPid(), idle.get("gateway")[1],
                        (int) Math.round(rowsPerRecord), content);
                log(String.format(Locale.ROOT, "database floor: %d rows per record, client %.0f us, PostgreSQL %.0f us per record (%d records)",
                        databaseFloor.rows(), databaseFloor.client(), databaseFloor.postgres(), databaseFloor.records()));
            }
            verified.put("gateway", sinkGet("/verify?prefix=gateway-"));
            memory.put("gateway", memory(gateway));
        } finally {
            if (ledger != null) {
                ledger.close();
            }
            stop(gateway);
        }
        if (selected.contains("floor")) {
            // with the gateway stopped, so that the measuring thread has a core
            cryptoFloor = PrimitiveCost.crypto(pkiDir, Files.readAllBytes(template), FLOOR_RECIPIENTS);
            log(String.format(Locale.ROOT, "crypto floor: %.0f us per record with one signature, %.0f us with a signature per copy",
                    cryptoFloor.oneSignature(), cryptoFloor.signaturePerCopy()));
        }
        if (withBaseline && (selected.contains("closed") || selected.contains("open"))) {
            System_ baseline = startBaseline();
            try {
                results.put("baseline", selected.contains("closed") ? measureClosed(baseline) : warmOnly(baseline));
                if (selected.contains("open")) {
                    results.get("baseline").addAll(measureOpen(baseline, openRate));
                }
                verified.put("baseline", sinkGet("/verify?prefix=baseline-"));
                memory.put("baseline", memory(baseline));
            } finally {
                stop(baseline);
            }
        }
        String report = table(results, memory, openRate, verified)
                + gatewayOnly(results.get("gateway"), urgent, backfill, ledgerVerified, databaseFloor, cryptoFloor);
        System.out.println(report);
        Files.writeString(run.resolve("harness-report.md"), report);
        Files.writeString(run.getParent().resolve("harness-report.md"), report);
        // every system's sample must have opened, and there must have been one
        if (!verified.values().stream().allMatch(v -> v.lines().findFirst().orElse("").matches("checked [1-9]\\d* failed 0"))) {
            throw new IllegalStateException("the sampled copies did not all open: " + verified);
        }
        if (!ledgerVerified.startsWith("OK")) {
            throw new IllegalStateException("the ledger did not verify offline: " + ledgerVerified);
        }
    }

    private double openRate(List<Phase> closed) {
        if (fixedRate > 0) {
            return fixedRate;
        }
        return loadFraction * median(closed.stream().filter(p -> p.mode().equals("closed")).mapToDouble(Phase::deliveredPerSecond).toArray());
    }

    private List<Phase> measureClosed(System_ system) throws Exception {
        warmOnly(system);
        boolean gateway = system.postgresPid() > 0;
        long rows0 = gateway ? ledger.rowsInserted() : 0;
        List<Phase> phases = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            phases.add(phase(system, "closed" + r, "closed", 0, 0, seconds));
        }
        if (gateway) {
            // PostgreSQL's statistics reach pg_stat_user_tables within 10 s of a backend going idle
            Thread.sleep(11_000);
            long records = phases.stream().mapToLong(p -> p.accepted() + connections).sum();
            rowsPerRecord = (ledger.rowsInserted() - rows0) / (double) records;
            log(String.format(Locale.ROOT, "gateway closed loop: %.1f rows inserted per record", rowsPerRecord));
        }
        return phases;
    }

    /** The warm-up and the idle measurement, which every system gets before any measured phase. */
    private List<Phase> warmOnly(System_ system) throws Exception {
        phase(system, "warm", "closed", 0, warmup, 0);
        idle.put(system.name(), idleCpu(system));
        return new ArrayList<>();
    }

    private List<Phase> measureOpen(System_ system, double rate) throws Exception {
        List<Phase> phases = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            phases.add(phase(system, "open" + r, "open", rate, 0, seconds));
        }
        return phases;
    }

    private Phase phase(System_ system, String label, String loadMode, double rate, int records, double duration) throws Exception {
        String prefix = prefix(system, label);
        long cpu0 = ProcessCpu.nanos(system.process().pid(), false);
        long pg0 = system.postgresPid() > 0 ? ProcessCpu.treeNanos(system.postgresPid()) : 0;
        long deadlocks0 = deadlocks(system);
        Process load = startLoad(system, label, "cs-suffolk", template.toString(), loadMode, rate, records, duration, connections, null);
        LoadResult result = awaitLoad(load, system, label, true);
        int accepted = result.accepted();
        waitForDeliveries(prefix, (long) RECIPIENTS * accepted);
        long cpu = ProcessCpu.nanos(system.process().pid(), false) - cpu0;
        long pg = system.postgresPid() > 0 ? ProcessCpu.treeNanos(system.postgresPid()) - pg0 : 0;
        if (system.postgresPid() > 0 && loadMode.equals("closed") && !label.equals("warm")) {
            ledgerWindow(label, result.start());
        }

        Arrivals arrivals = latencies(prefix, result.acceptedAt(), 1);
        Histogram[] e2e = arrivals.e2e();
        long last = arrivals.last();
        int copies = arrivals.copies();
        Map<String, String> summary = result.summary();
        long start = result.start();
        long end = result.end();
        int delivered = copies / RECIPIENTS;
        Phase phase = new Phase(system.name(), loadMode, rate, accepted, Integer.parseInt(summary.get("refused")), delivered,
                accepted / ((end - start) / 1e9), delivered / ((Math.max(last, end) - start) / 1e9),
                e2e[0].getValueAtPercentile(50) / 1e3, e2e[0].getValueAtPercentile(99) / 1e3, e2e[0].getValueAtPercentile(99.9) / 1e3,
                Long.parseLong(summary.get("accept.p50")) / 1e3, Long.parseLong(summary.get("accept.p99")) / 1e3,
                Long.parseLong(summary.get("accept.p999")) / 1e3,
                delivered == 0 ? 0 : cpu / 1e3 / delivered,
                system.postgresPid() <= 0 ? Double.NaN : delivered == 0 ? 0 : pg / 1e3 / delivered);
        log(String.format(Locale.ROOT, "%s %s: accepted %d (refused %d) at %.0f/s, delivered %d records at %.0f/s; "
                        + "acceptance to delivery p50 %.1f p99 %.1f p99.9 %.1f ms; 202 p50 %.1f p99 %.1f p99.9 %.1f ms; CPU %.0f us/record, PostgreSQL %.0f us/record%s",
                system.name(), label, accepted, phase.refused(), phase.acceptedPerSecond(), delivered, phase.deliveredPerSecond(),
                phase.e2eP50(), phase.e2eP99(), phase.e2eP999(), phase.acceptP50(), phase.acceptP99(), phase.acceptP999(),
                phase.cpuPerRecordUs(), phase.postgresPerRecordUs(),
                deadlocks0 < 0 ? "" : "; PostgreSQL deadlocks " + (deadlocks(system) - deadlocks0)));
        return phase;
    }

    /** Copies that reached the sinks: acceptance to delivery in all ([0]) and by kind (record n is kind n mod k). */
    record Arrivals(Histogram[] e2e, int copies, long last, int[] copiesByKind) {
    }

    private String prefix(System_ system, String label) {
        return system.name() + "-" + stamp + "-" + label + "-";
    }

    private Process startLoad(System_ system, String label, String senders, String templates, String loadMode, double rate,
                              int records, double duration, int inFlight, Path startFile) throws IOException {
        Path out = run.resolve("load-" + system.name() + "-" + label + ".txt");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", classpath,
                LoadGenerator.class.getName(), system.url(), pkiDir.toString(), senders, templates, prefix(system, label),
                loadMode, Double.toString(rate), Integer.toString(records), Double.toString(duration),
                Integer.toString(inFlight), out.toString()));
        if (startFile != null) {
            command.add(startFile.toString());
        }
        return start("load-" + system.name() + "-" + label, command);
    }

    /** Waits for a load generator and reads what it wrote; {@code withRecords} false skips the per-record lines. */
    private LoadResult awaitLoad(Process load, System_ system, String label, boolean withRecords) throws Exception {
        load.waitFor();
        if (load.exitValue() != 0) {
            throw new IllegalStateException("load generator failed; see " + run.resolve("load-" + system.name() + "-" + label + ".log"));
        }
        Map<String, String> summary = new HashMap<>();
        Map<Integer, Long> acceptedAt = new HashMap<>();
        try (var lines = Files.newBufferedReader(run.resolve("load-" + system.name() + "-" + label + ".txt"))) {
            boolean inRecords = false;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.equals("records")) {
                    if (!withRecords) {
                        break;
                    }
                    inRecords = true;
                } else if (inRecords) {
                    String[] f = line.split(" ");
                    acceptedAt.put(Integer.parseInt(f[0]), Long.parseLong(f[1]));
                } else {
                    String[] kv = line.split("=", 2);
                    summary.put(kv[0], kv[1]);
                }
            }
        }
        return new LoadResult(summary, acceptedAt);
    }

    private Arrivals latencies(String prefix, Map<Integer, Long> acceptedAt, int kinds) throws Exception {
        Histogram[] e2e = new Histogram[kinds + 1];
        for (int i = 0; i <= kinds; i++) {
            e2e[i] = new Histogram(Duration.ofMinutes(30).toNanos() / 1000, 3);
        }
        int[] byKind = new int[kinds];
        long last = 0;
        int copies = 0;
        for (String line : sinkGet("/arrivals?prefix=" + prefix).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            long at = Long.parseLong(f[2]);
            int seq = Integer.parseInt(f[1].substring(prefix.length()));
            Long acceptedNanos = acceptedAt.get(seq);
            if (acceptedNanos != null) {
                // a copy may reach the sink before the 202 reaches the client: the promise was already made
                long micros = Math.max(0, at - acceptedNanos) / 1000;
                e2e[0].recordValue(micros);
                e2e[1 + seq % kinds].recordValue(micros);
            }
            byKind[seq % kinds]++;
            last = Math.max(last, at);
            copies++;
        }
        return new Arrivals(e2e, copies, last, byKind);
    }

    /** The ledger from a phase's start to now (its last delivery), then until its outbox is empty. */
    private LedgerWatch.Window ledgerWindow(String label, long fromNanos) throws Exception {
        LedgerWatch.Sample atEnd = ledger.sample();
        long drain = ledger.drain(TimeUnit.MINUTES.toMillis(2));
        LedgerWatch.Window window = ledger.window(fromNanos, atEnd, drain);
        ledgerWindows.put(label, window);
        log(String.format(Locale.ROOT, "ledger during %s: %d samples, outbox at most %d facts (oldest %.1f s), %d entries chained, "
                        + "%d checkpoints, at most %d entries beyond the last checkpoint (for at most %.1f s); at the end %d facts "
                        + "waiting, drained in %.1f s; checkpoints %s", label, window.samples(), window.maxBacklog(),
                window.maxOldestMillis() / 1e3, window.entriesChained(), window.checkpoints(), window.maxUnsigned(),
                window.maxUnsignedAgeMillis() / 1e3, atEnd.backlog(), drain / 1e3, window.onSchedule() && drain >= 0 ? "on schedule" : "LATE"));
        return window;
    }

    /**
     * Placements open loop at the background rate and, over exactly the same interval, the urgent examples in turn at
     * {@code harness.urgent.rate}, each from its own sender; the latencies of the urgent copies and the bulk copies apart.
     */
    private Urgent measureUrgent(System_ system, double bulkRate) throws Exception {
        String senders = String.join(",", URGENT.stream().map(u -> u[0]).toList());
        String templates = String.join(",", URGENT.stream().map(u -> config.resolve("examples").resolve(u[1]).toString()).toList());
        // both generators open their connections first, then start together on the shared monotonic clock
        Path startFile = run.resolve("urgent-start.txt");
        long deadlocks0 = deadlocks(system);
        Process bulk = startLoad(system, "urgent-bulk", "cs-suffolk", template.toString(), "open", bulkRate, 0, urgentSeconds, connections, startFile);
        Process lane = startLoad(system, "urgent-lane", senders, templates, "open", urgentRate, 0, urgentSeconds, 4, startFile);
        for (String label : List.of("urgent-bulk", "urgent-lane")) {
            Path ready = run.resolve("load-" + system.name() + "-" + label + ".txt.ready");
            await("the " + label + " generator to open its connections", Duration.ofMinutes(10), label.equals("urgent-bulk") ? bulk : lane,
                    () -> Files.exists(ready));
        }
        long startAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        Path written = run.resolve("urgent-start.tmp");
        Files.writeString(written, Long.toString(startAt));
        Files.move(written, startFile, StandardCopyOption.ATOMIC_MOVE);
        LoadResult bulkLoad = awaitLoad(bulk, system, "urgent-bulk", true);
        LoadResult laneLoad = awaitLoad(lane, system, "urgent-lane", true);
        if (Math.max(bulkLoad.start(), laneLoad.start()) > startAt + TimeUnit.SECONDS.toNanos(1)) {
            log("the urgent-lane generators started late: their loads overlap less than planned");
        }
        long expectedLane = laneLoad.acceptedAt().keySet().stream().mapToLong(n -> Integer.parseInt(URGENT.get(n % URGENT.size())[2])).sum();
        waitForDeliveries(prefix(system, "urgent-lane"), expectedLane);
        waitForDeliveries(prefix(system, "urgent-bulk"), (long) RECIPIENTS * bulkLoad.accepted());
        Arrivals laneArrivals = latencies(prefix(system, "urgent-lane"), laneLoad.acceptedAt(), URGENT.size());
        Arrivals bulkArrivals = latencies(prefix(system, "urgent-bulk"), bulkLoad.acceptedAt(), 1);
        double[][] byKind = new double[URGENT.size()][];
        for (int k = 0; k < URGENT.size(); k++) {
            byKind[k] = percentiles(laneArrivals.e2e()[1 + k]);
        }
        Urgent urgent = new Urgent(bulkRate, urgentRate, laneLoad.accepted(), laneArrivals.copies(), bulkLoad.accepted(),
                bulkArrivals.copies(), laneLoad.refused() + bulkLoad.refused(), percentiles(laneArrivals.e2e()[0]),
                percentiles(bulkArrivals.e2e()[0]), Long.parseLong(laneLoad.summary().get("accept.p99")) / 1e3, byKind,
                laneArrivals.copiesByKind());
        log(String.format(Locale.ROOT, "urgent lane: %d urgent records (%d copies of %d expected) at %.1f/s beside %d placements at %.1f/s; "
                        + "urgent acceptance to delivery p50 %.1f p99 %.1f p99.9 %.1f ms, bulk p50 %.1f p99 %.1f p99.9 %.1f ms; "
                        + "urgent 202 p99 %.1f ms; PostgreSQL deadlocks %d",
                urgent.urgentAccepted(), urgent.urgentCopies(), expectedLane, urgentRate, urgent.bulkAccepted(), bulkRate,
                urgent.urgentE2e()[0], urgent.urgentE2e()[1], urgent.urgentE2e()[2],
                urgent.bulkE2e()[0], urgent.bulkE2e()[1], urgent.bulkE2e()[2], urgent.urgentAcceptP99(),
                deadlocks(system) - deadlocks0));
        return urgent;
    }

    /**
     * The deadlocks PostgreSQL has broken in the gateway's database so far (each one fails a transaction after
     * deadlock_timeout, a second, stalling whatever waited on it); -1 for the baseline, which has no database.
     */
    private long deadlocks(System_ system) {
        if (system.postgresPid() <= 0) {
            return -1;
        }
        try (Connection db = DriverManager.getConnection(databaseUrl + "postgres?user=postgres");
             Statement statement = db.createStatement();
             ResultSet rs = statement.executeQuery("select coalesce(sum(deadlocks), 0) from pg_stat_database")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            log("could not count deadlocks: " + e.getMessage());
            return -1;
        }
    }

    private static double[] percentiles(Histogram h) {
        return h.getTotalCount() == 0 ? new double[] {Double.NaN, Double.NaN, Double.NaN}
                : new double[] {h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3};
    }

    /**
     * {@code harness.backfill.records} placements closed loop as fast as the gateway takes them; the sinks only count
     * these copies. Time from the first post to the last copy delivered, the heap from the GC log lines written during
     * the backfill, the resident set's peak and its size at the end.
     */
    private Backfill measureBackfill(System_ system) throws Exception {
        String prefix = prefix(system, "backfill");
        sinkGet("/count-only?prefix=" + prefix);
        Path gc = run.resolve("gc-" + system.name() + ".log");
        long gcLines = Files.exists(gc) ? countLines(gc) : 0;
        long cpu0 = ProcessCpu.nanos(system.process().pid(), false);
        long pg0 = ProcessCpu.treeNanos(system.postgresPid());
        log("backfill: " + backfillRecords + " records from " + connections + " connections");
        Process load = startLoad(system, "backfill", "cs-suffolk", template.toString(), "closed", 0, backfillRecords, 0, connections, null);
        LoadResult result = awaitLoad(load, system, "backfill", false);
        waitForDeliveries(prefix, (long) RECIPIENTS * result.accepted());
        long cpu = ProcessCpu.nanos(system.process().pid(), false) - cpu0;
        long pg = ProcessCpu.treeNanos(system.postgresPid()) - pg0;
        String[] tally = sinkGet("/summary?prefix=" + prefix).trim().split(" ");
        int delivered = (int) (Long.parseLong(tally[0]) / RECIPIENTS);
        long last = Long.parseLong(tally[2]);
        long[] heapPeak = heapPeak(gc, gcLines);
        ledgerWindow("backfill", result.start());
        Backfill backfill = new Backfill(backfillRecords, result.accepted(), result.refused(), delivered,
                (Math.max(last, result.end()) - result.start()) / 1e9, (result.end() - result.start()) / 1e9,
                delivered == 0 ? 0 : cpu / 1e3 / delivered, delivered == 0 ? 0 : pg / 1e3 / delivered,
                heapPeak[0], heapPeak[1], ProcessCpu.peakRssBytes(system.process().pid()) / (1024 * 1024),
                ProcessCpu.rssBytes(system.process().pid()) / (1024 * 1024));
        log(String.format(Locale.ROOT, "backfill: %d of %d records delivered in %.1f s (%.1f records/s, accepted in %.1f s); "
                        + "heap peak %d MB before a collection, %d after; RSS peak %d MB, %d at the end",
                delivered, backfillRecords, backfill.seconds(), backfill.perSecond(), backfill.acceptSeconds(),
                backfill.heapBefore(), backfill.heapAfter(), backfill.rssPeak(), backfill.rssEnd()));
        return backfill;
    }

    private static long countLines(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        }
    }

    /** The largest heap before and after a collection in the GC log's lines from {@code fromLine} on, in MB. */
    private static long[] heapPeak(Path gc, long fromLine) throws IOException {
        long[] peak = {0, 0};
        if (!Files.exists(gc)) {
            return peak;
        }
        try (Stream<String> lines = Files.lines(gc)) {
            lines.skip(fromLine).forEach(line -> {
                Matcher m = GC_PAUSE.matcher(line);
                if (m.find()) {
                    peak[0] = Math.max(peak[0], Long.parseLong(m.group(1)));
                    peak[1] = Math.max(peak[1], Long.parseLong(m.group(2)));
                }
            });
        }
        return peak;
    }

    /**
     * Exports the ledger as an IG officer would (README, "The audit ledger": checkpoints first, then the entries and
     * the checkpoint signer's certificate) and runs the offline verifier jar on it; its answer, or why it failed.
     * The export is deleted once it has verified (at a million records it is gigabytes).
     */
    private String verifyLedger(System_ system) throws Exception {
        long drain = ledger.drain(TimeUnit.MINUTES.toMillis(2));
        long waiting = ledger.sample().backlog();
        Path dir = Files.createDirectories(run.resolve("ledger-export"));
        Properties users = new Properties();
        try (var in = Files.newBufferedReader(pkiDir.resolve("ig-users.dev-only.txt"))) {
            users.load(in);
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                ("ig-officer:" + users.getProperty("ig-officer")).getBytes(StandardCharsets.UTF_8));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TlsContexts.trustStore(
                Pem.readCertificates(pkiDir.resolve("ca.crt.pem"))));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient ig = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        URI base = URI.create(system.url()).resolve("/ig/ledger/");
        long t0 = System.nanoTime();
        for (String[] file : new String[][] {{"checkpoints", "checkpoints.json"}, {"export", "ledger.jsonl"},
                {"certificate", "checkpoint-signer.crt.pem"}}) {
            HttpResponse<Path> response = ig.send(HttpRequest.newBuilder(base.resolve(file[0])).header("Authorization", basic)
                    .timeout(Duration.ofHours(2)).build(), HttpResponse.BodyHandlers.ofFile(dir.resolve(file[1])));
            if (response.statusCode() != 200) {
                return "FAILED: GET /ig/ledger/" + file[0] + " answered " + response.statusCode();
            }
        }
        double exportSeconds = (System.nanoTime() - t0) / 1e9;
        long bytes = Files.size(dir.resolve("ledger.jsonl"));
        Process verifier = new ProcessBuilder(java, "-jar", ledgerJar.toString(), "verify",
                "--entries", dir.resolve("ledger.jsonl").toString(), "--checkpoints", dir.resolve("checkpoints.json").toString(),
                "--cert", dir.resolve("checkpoint-signer.crt.pem").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("verifier.txt").toFile()).start();
        long t1 = System.nanoTime();
        int exit = verifier.waitFor();
        double verifySeconds = (System.nanoTime() - t1) / 1e9;
        String answer = Files.readString(dir.resolve("verifier.txt")).strip();
        String result = String.format(Locale.ROOT, "%s (exit %d; outbox drained in %.1f s, export of %.1f MB in %.1f s, verified in %.1f s)",
                answer.replace("\n", "; "), exit, drain / 1e3, bytes / 1e6, exportSeconds, verifySeconds);
        log("ledger verifier: " + result);
        if (waiting > 0) {
            // what was chained may verify, but facts that never reach the chain are not in the ledger
            return "FAILED: " + waiting + " facts were never chained; what was: " + result;
        }
        if (exit == 0 && answer.startsWith("OK")) {
            Files.delete(dir.resolve("ledger.jsonl"));
            return result;
        }
        return "FAILED: " + result;
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
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xlog:gc:file=" + run.resolve("gc-gateway.log")));
        if (flightRecording) {
            command.add("-Xlog:safepoint*=info:file=" + run.resolve("safepoints-gateway.log"));
            command.add("-XX:StartFlightRecording=settings=profile,filename=" + run.resolve("gateway.jfr"));
        }
        command.addAll(List.of("-jar", jar.toString(),
                "--carebridge.data-dir=" + data,
                "--carebridge.config-dir=" + ownConfig,
                "--server.port=" + port,
                "--management.server.port=" + management,
                "--carebridge.demo-partners.enabled=false",
                "--carebridge.demo-partners.port=" + freePort(),
                "--carebridge.demo-partners.sftp-port=" + freePort(),
                "--carebridge.demo-partners.smtp-port=" + freePort(),
                // the example's placement time is long past; breach alerts would only add copies nobody measures
                "--carebridge.clocks.scan-interval=1h",
                // the ledger schedule the harness checks (the gateway's defaults, stated)
                "--carebridge.audit.checkpoint-every=" + CHECKPOINT_EVERY,
                "--carebridge.audit.batch=" + LEDGER_BATCH,
                "--carebridge.audit.checkpoint-interval=" + CHECKPOINT_INTERVAL_SECONDS + "s"));
        Process gateway = start("gateway", command);
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
        List<String> postmaster = Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid"));
        long postgres = Long.parseLong(postmaster.get(0).trim());
        databaseUrl = "jdbc:postgresql://localhost:" + postmaster.get(3).trim() + "/";
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
        String[] gm = memory.getOrDefault("gateway", "NaN NaN NaN").split(" ");
        String[] bm = memory.getOrDefault("baseline", "NaN NaN NaN").split(" ");
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

    /** The rows the baseline has no counterpart for: the urgent lane, the backfill, the ledger and the primitive floor. */
    private String gatewayOnly(List<Phase> gateway, Urgent urgent, Backfill backfill, String ledgerVerified,
                               PrimitiveCost.Database database, PrimitiveCost.Crypto crypto) {
        StringBuilder t = new StringBuilder("\nGateway only (the baseline has no urgent lane, ledger or sealing)\n\n");
        t.append("| measure | target (issue 14) | gateway |\n|---|---|---|\n");
        if (urgent != null) {
            t.append(String.format(Locale.ROOT, "| urgent lane: acceptance to delivery of the urgent copies p50 / p99 / p99.9 (ms); "
                            + "%d urgent records (%d copies) at %.1f records/s beside placements open loop at %.1f records/s | p99 <= 50 ms | %s |%n",
                    urgent.urgentAccepted(), urgent.urgentCopies(), urgent.urgentRate(), urgent.bulkRate(), triple(urgent.urgentE2e())));
            for (int k = 0; k < URGENT.size(); k++) {
                t.append(String.format(Locale.ROOT, "| urgent lane: %s (%s, %d copies) p50 / p99 / p99.9 (ms) | - | %s |%n",
                        URGENT.get(k)[3], URGENT.get(k)[1], urgent.copiesByKind()[k], triple(urgent.byKind()[k])));
            }
            t.append(String.format(Locale.ROOT, "| urgent lane: the bulk placements' copies beside them (%d records, %d copies) "
                    + "p50 / p99 / p99.9 (ms) | - | %s |%n", urgent.bulkAccepted(), urgent.bulkCopies(), triple(urgent.bulkE2e())));
            t.append(String.format(Locale.ROOT, "| urgent lane: the urgent records' 202 p99 (ms, from the due time) | - | %.1f |%n",
                    urgent.urgentAcceptP99()));
        }
        if (backfill != null) {
            double projected = 1_000_000 / backfill.perSecond();
            t.append(String.format(Locale.ROOT, "| backfill: %,d records closed loop, first post to last copy delivered | "
                            + "<= 15 minutes for 1,000,000 | %.1f s (%d delivered, %.1f records/s; all accepted in %.1f s) |%n",
                    backfill.records(), backfill.seconds(), backfill.delivered(), backfill.perSecond(), backfill.acceptSeconds()));
            t.append(String.format(Locale.ROOT, "| backfill: 1,000,000 records at that rate | <= 15 minutes | %.1f minutes%s |%n",
                    projected / 60, backfill.records() >= 1_000_000 ? " (measured)" : " (projected)"));
            t.append(String.format(Locale.ROOT, "| backfill: heap peak before / after a collection, during the backfill (MB; -Xmx%s) | <= 1 GB | %d / %d |%n",
                    heap, backfill.heapBefore(), backfill.heapAfter()));
            t.append(String.format(Locale.ROOT, "| backfill: RSS peak since the start / at the end (MB) | - | %d / %d |%n",
                    backfill.rssPeak(), backfill.rssEnd()));
            t.append(String.format(Locale.ROOT, "| backfill: CPU per record, JVM / PostgreSQL (us) | - | %.0f / %.0f |%n",
                    backfill.cpuPerRecordUs(), backfill.postgresPerRecordUs()));
        }
        t.append("| the ledger after every phase, exported and checked by the offline verifier | verifies | ")
                .append(ledgerVerified.replace("|", "/")).append(" |\n");
        List<LedgerWatch.Window> closed = ledgerWindows.entrySet().stream().filter(e -> e.getKey().startsWith("closed"))
                .map(Map.Entry::getValue).toList();
        ledgerRows(t, "closed loop (" + closed.size() + (closed.size() == 1 ? " run)" : " runs, the largest)"), closed);
        if (ledgerWindows.containsKey("backfill")) {
            ledgerRows(t, "backfill", List.of(ledgerWindows.get("backfill")));
        }
        if (crypto != null && database != null) {
            double floor = crypto.oneSignature() + database.total();
            t.append(String.format(Locale.ROOT, "| primitive floor per record: 1 ECDSA P-256 signature, %d RSA-OAEP key transports, "
                    + "%d AES-256-GCM encryptions of the copy (CPU us) | - | %.0f |%n", crypto.copies(), crypto.copies(), crypto.oneSignature()));
            t.append(String.format(Locale.ROOT, "| primitive floor: the same with a signature per copy, as the gateway seals (CPU us) | - | %.0f |%n",
                    crypto.signaturePerCopy()));
            t.append(String.format(Locale.ROOT, "| primitive floor: the database writes, %d rows (as many as the gateway inserted per record) "
                            + "in one batch and one commit: client / PostgreSQL (CPU us) | - | %.0f / %.0f |%n",
                    database.rows(), database.client(), database.postgres()));
            t.append(String.format(Locale.ROOT, "| primitive floor per record in all (CPU us) | - | %.0f |%n", floor));
            double jvm = median(gateway.stream().filter(p -> p.mode().equals("closed")).mapToDouble(Phase::cpuPerRecordUs).toArray());
            double pg = median(gateway.stream().filter(p -> p.mode().equals("closed")).mapToDouble(Phase::postgresPerRecordUs).toArray());
            if (!Double.isNaN(jvm)) {
                t.append(String.format(Locale.ROOT, "| the gateway's CPU per record (closed loop, JVM + PostgreSQL: %.0f + %.0f us) "
                        + "as a multiple of the floor | - | %.1f |%n", jvm, pg, (jvm + pg) / floor));
                t.append(String.format(Locale.ROOT, "| of it: the JVM against the crypto floor and the database client's share; "
                                + "PostgreSQL against the database floor's | - | %.1f; %.1f |%n",
                        jvm / (crypto.oneSignature() + database.client()), pg / Math.max(1, database.postgres())));
            }
        }
        return t.toString();
    }

    private static void ledgerRows(StringBuilder t, String phase, List<LedgerWatch.Window> windows) {
        if (windows.isEmpty()) {
            return;
        }
        LedgerWatch.Window worst = windows.stream().max(Comparator.comparingLong(LedgerWatch.Window::maxBacklog)).orElseThrow();
        long onSchedule = windows.stream().filter(LedgerWatch.Window::onSchedule).count();
        t.append(String.format(Locale.ROOT, "| ledger during the %s: facts waiting to be chained at most, and the oldest's age | keeps up | %d (%.1f s) |%n",
                phase, worst.maxBacklog(), windows.stream().mapToLong(LedgerWatch.Window::maxOldestMillis).max().orElse(0) / 1e3));
        long undrained = windows.stream().filter(w -> w.drainMillis() < 0).count();
        t.append(String.format(Locale.ROOT, "| ledger during the %s: lag at the last delivery, facts waiting (oldest), then drained in | - | %d (%.1f s), %s |%n",
                phase, worst.atEnd().backlog(), worst.atEnd().oldestMillis() / 1e3, undrained > 0
                        ? "never drained in " + undrained + " of " + windows.size() + " (the outbox stopped shrinking for 2 minutes)"
                        : String.format(Locale.ROOT, "%.1f s", windows.stream().mapToLong(LedgerWatch.Window::drainMillis).max().orElse(0) / 1e3)));
        t.append(String.format(Locale.ROOT, "| ledger during the %s: checkpoints signed; entries beyond the last checkpoint at most (for at most) "
                        + "| every %d entries or %d s | %d; %d (%.1f s); %s |%n", phase, CHECKPOINT_EVERY, CHECKPOINT_INTERVAL_SECONDS,
                windows.stream().mapToLong(LedgerWatch.Window::checkpoints).sum(),
                windows.stream().mapToLong(LedgerWatch.Window::maxUnsigned).max().orElse(0),
                windows.stream().mapToLong(LedgerWatch.Window::maxUnsignedAgeMillis).max().orElse(0) / 1e3,
                onSchedule == windows.size() ? "on schedule" : "late in " + (windows.size() - onSchedule) + " of " + windows.size()));
    }

    private static String triple(double[] v) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", v[0], v[1], v[2]);
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
