package org.carebridge.gateway.support;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.GatewayApplication;
import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.seal.GatewayKeys;
import org.carebridge.gateway.seal.SealingProperties;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.PartnerRegistryLoader;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway as a separate JVM over one data directory, so a test can kill it with SIGKILL and start it again; and
 * the demo partners in the test's own JVM, started when the test wants them up.
 */
public final class GatewayProcess {

    /**
     * JVM options for a gateway started by a test: the C1 compiler only and the serial collector. A gateway in a test
     * spends its life starting up and handling a few hundred records, where C2's compilations and the parallel
     * collector's threads cost more CPU than they win back; on a shared two-core machine that CPU is the start time.
     * Nor does it verify the bytecode of the classpath's classes (a tenth of a start's CPU): the test JVM itself loads
     * the same classes verified, and an operator's gateway always does.
     */
    public static final List<String> TEST_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote");

    private final Path data;
    private final int port = stablePort();
    private final int managementPort = stablePort();
    private final int partnersPort;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> extraArguments;
    private String logPrefix = "gateway-run-";
    private java.util.function.UnaryOperator<List<String>> launcher = java.util.function.UnaryOperator.identity();
    private Process process;
    private int runs;

    public GatewayProcess(String... extraArguments) {
        this(createDataDir(), stablePort(), extraArguments);
        this.logPrefix = "gateway-run-";
    }

    /**
     * One node of several with identical configuration: the same data directory (so the same dev PKI and keys, made
     * by the node started first) and the same demo partners; each node has ports of its own.
     */
    public GatewayProcess(Path data, int partnersPort, String... extraArguments) {
        this.data = data;
        this.partnersPort = partnersPort;
        this.extraArguments = List.of(extraArguments);
        this.logPrefix = "gateway-" + port + "-run-";
    }

    /** Runs the gateway's command through a launcher (another filesystem view, say), which must exec it as its last step. */
    public GatewayProcess launchedBy(java.util.function.UnaryOperator<List<String>> launcher) {
        this.launcher = launcher;
        return this;
    }

    /** The running gateway's pid (a launcher that execs keeps it). */
    public long pid() {
        return process.pid();
    }

    public int partnersPort() {
        return partnersPort;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The log of this gateway's latest run. */
    public Path logFile() {
        return data.resolve(logPrefix + runs + ".log");
    }

    public Path dataDir() {
        return data;
    }

    public String baseUrl() {
        return "https://localhost:" + port;
    }

    /** Starts the gateway and waits until it reports healthy. */
    public void start() throws IOException {
        seedPki(data);
        // A killed run's listening sockets close as it dies, but give a slow kernel a moment rather than fail the bind.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> bindable(port) && bindable(managementPort));
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(TEST_JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName(),
                "--carebridge.data-dir=" + data,
                "--carebridge.config-dir=" + Examples.CONFIG.toAbsolutePath(),
                "--server.port=" + port,
                "--management.server.port=" + managementPort,
                "--carebridge.demo-partners.enabled=false",
                "--carebridge.demo-partners.port=" + partnersPort));
        List<String> defaults = List.of(
                "--carebridge.delivery.initial-delay=200ms",
                "--carebridge.delivery.max-delay=1s",
                "--carebridge.delivery.max-attempts=1000",
                // The example's placement date will one day be past its deadline; no clock-breach alert may join the inboxes.
                "--carebridge.clocks.scan-interval=1h");
        // A repeated option would reach the gateway as both values joined by a comma: a test's own setting replaces the default.
        for (String option : defaults) {
            String key = option.substring(0, option.indexOf('=') + 1);
            if (extraArguments.stream().noneMatch(a -> a.startsWith(key))) {
                command.add(option);
            }
        }
        command.addAll(extraArguments);
        process = new ProcessBuilder(launcher.apply(command))
                .redirectErrorStream(true)
                .redirectOutput(new File(data.toFile(), logPrefix + (++runs) + ".log"))
                .start();
        Process started = process;
        long startedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(600)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(started.isAlive()).as("gateway process is running").isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health"))
                        .timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        System.out.printf("gateway run %d healthy after %.1f s, %s CPU%n", runs, (System.nanoTime() - startedAt) / 1e9,
                started.toHandle().info().totalCpuDuration().map(d -> String.format("%.1f s", d.toMillis() / 1e3)).orElse("unknown"));
    }

    /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL server is left behind as after a real crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Stops the gateway gracefully, or kills it if it does not stop within a minute. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The exit code of the last run, once it has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    /**
     * A connection to the gateway's embedded PostgreSQL server (its port is in {@code postmaster.pid}). Close it before
     * the gateway starts again: the new run stops the old server, which waits for its sessions.
     */
    public Connection database() throws IOException, SQLException {
        List<String> pid = Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid"));
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pid.get(3).trim() + "/postgres", "postgres", "");
    }

    /**
     * Makes the dev PKI in the data directory as the gateway's first start would (every partner's RSA encryption key
     * among it), here in the test's JVM, so that a test can do it while its broker and database start.
     */
    public void preparePki() {
        pki(partners());
    }

    private List<Partner> partners() {
        Map<String, String> placeholders = Map.of("carebridge.demo-partners.base-url", "https://localhost:" + partnersPort,
                "carebridge.pki.dir", data.resolve("pki").toString());
        return new PartnerRegistryLoader(placeholders::get).read(Examples.CONFIG.resolve("partners.yaml"));
    }

    private GatewayPki pki(List<Partner> partners) {
        Path pkiDir = data.resolve("pki");
        CarebridgeProperties.Pki pkiProperties = new CarebridgeProperties.Pki(pkiDir, true,
                pkiDir.resolve("gateway.dev-only.crt.pem"), pkiDir.resolve("gateway.dev-only.key.pem"), List.of(pkiDir.resolve("ca.crt.pem")));
        return new GatewayPki(pkiProperties, partners.stream().map(Partner::id).toList());
    }

    /**
     * Gives a fresh data directory the dev PKI of the example partners, made once per test JVM and copied: the gateway
     * would otherwise make its RSA keys itself on first start, in a JVM without the C2 compiler, which was half of a
     * journey's first start (36 of 78 s). A directory that has a PKI already keeps it. The first-start generation itself
     * is what the shared test context does (GatewayTest).
     */
    public static void seedPki(Path data) throws IOException {
        Path pki = data.resolve("pki");
        if (Files.exists(pki.resolve("ca.crt.pem"))) {
            return;
        }
        Path template = pkiTemplate();
        try (var files = Files.walk(template)) {
            for (Path file : files.toList()) {
                Path target = pki.resolve(template.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static Path pkiTemplate;

    private static synchronized Path pkiTemplate() {
        if (pkiTemplate == null) {
            try {
                Path data = Files.createTempDirectory(Files.createDirectories(Paths.get("target", "it-data")), "pki-template-").toAbsolutePath();
                new GatewayProcess(data, stablePort()).preparePki();
                pkiTemplate = data.resolve("pki");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pkiTemplate;
    }

    public DemoPartnerServer startPartners() {
        Path pkiDir = data.resolve("pki");
        String baseUrl = "https://localhost:" + partnersPort;
        List<Partner> partners = partners();
        GatewayPki pki = pki(partners);
        CarebridgeProperties.Pki pkiProperties = new CarebridgeProperties.Pki(pkiDir, true,
                pkiDir.resolve("gateway.dev-only.crt.pem"), pkiDir.resolve("gateway.dev-only.key.pem"), List.of(pkiDir.resolve("ca.crt.pem")));
        CarebridgeProperties properties = new CarebridgeProperties(data, Examples.CONFIG, pkiProperties, null, null,
                new CarebridgeProperties.DemoPartners(true, partnersPort, baseUrl));
        GatewayKeys gatewayKeys = new GatewayKeys(new SealingProperties(List.of(SealingProperties.KeyEntry.pem(
                pki.devPki().gatewaySigningCertificate(), pki.devPki().gatewaySigningKey())), List.of(), List.of(), null));
        DemoPartnerServer server = new DemoPartnerServer(properties, PartnerRegistry.of("partners.yaml", partners), pki,
                FhirContext.forR4Cached(), gatewayKeys);
        server.start();
        return server;
    }

    /**
     * A free port below the kernel's ephemeral range. The gateway keeps its ports across restarts; a port from the
     * ephemeral range could meanwhile be taken as the local port of any outgoing connection on the machine (a JDBC
     * connection, another build's HTTP client), and the next start would fail to bind it.
     */
    public static int stablePort() {
        int ephemeralLow = 32768;
        try {
            ephemeralLow = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: the usual default
        }
        int low = 10000;
        if (ephemeralLow - low < 1000) {
            return GatewayTest.freePort();
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = java.util.concurrent.ThreadLocalRandom.current().nextInt(low, ephemeralLow);
            if (bindable(candidate)) {
                return candidate;
            }
        }
        return GatewayTest.freePort();
    }

    private static boolean bindable(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static Path createDataDir() {
        try {
            return Files.createTempDirectory(Files.createDirectories(Paths.get("target", "it-data")), "crash-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
