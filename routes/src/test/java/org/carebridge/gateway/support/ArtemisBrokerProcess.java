package org.carebridge.gateway.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A standalone ActiveMQ Artemis broker from the Apache distribution (unpacked by the build into
 * {@code artemis.home}): {@code artemis create} makes an instance, whose broker.xml is replaced by docker/broker.xml
 * (the primary) or docker/broker-backup.xml (its replicating backup) with the container paths and host names moved
 * onto this machine, then {@code artemis run} serves it as its own process.
 */
public final class ArtemisBrokerProcess {

    public static final String USER = "carebridge";
    public static final String PASSWORD = "reliability-only";
    private static final String CLUSTER_PASSWORD = "reliability-cluster-only";

    private final Path home;
    private final Path instance;
    private final String configuration;
    private final int port;
    private final int primaryPort;
    private final int backupPort;
    private Process process;
    private int runs;

    /** The primary alone (its backup's port stays unused). */
    public ArtemisBrokerProcess(Path instance) {
        this(instance, "broker.xml", GatewayTest.freePort(), GatewayTest.freePort());
    }

    private ArtemisBrokerProcess(Path instance, String configuration, int primaryPort, int backupPort) {
        String artemisHome = System.getProperty("artemis.home");
        assertThat(artemisHome).as("artemis.home (set by routes/pom.xml, which unpacks the distribution)").isNotBlank();
        this.home = Paths.get(artemisHome).toAbsolutePath();
        this.instance = instance.toAbsolutePath();
        this.configuration = configuration;
        this.primaryPort = primaryPort;
        this.backupPort = backupPort;
        this.port = configuration.equals("broker.xml") ? primaryPort : backupPort;
    }

    /** A replicated primary and backup, as docker/compose.yaml runs them: index 0 the primary, 1 the backup. */
    public static List<ArtemisBrokerProcess> pair(Path root) {
        int primary = GatewayTest.freePort();
        int backup = GatewayTest.freePort();
        return List.of(new ArtemisBrokerProcess(root.resolve("artemis-primary"), "broker.xml", primary, backup),
                new ArtemisBrokerProcess(root.resolve("artemis-backup"), "broker-backup.xml", primary, backup));
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The URL a gateway uses for the pair: either broker, failing over to the live one and reconnecting for ever. */
    public static String haUrl(List<ArtemisBrokerProcess> pair) {
        return "(" + pair.get(0).url() + "," + pair.get(1).url() + ")?ha=true&reconnectAttempts=-1&retryInterval=500"
                + "&retryIntervalMultiplier=1.5&maxRetryInterval=5000";
    }

    /** A backup opens no acceptor until it takes over: wait until it has copied the primary's journal instead. */
    public void startBackup() throws IOException, InterruptedException {
        launch();
        Path log = instance.resolve("broker-run-" + runs + ".log");
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(process.isAlive()).as("Artemis backup is running").isTrue();
            return Files.exists(log) && Files.readString(log).contains("AMQ221024");
        });
    }

    /** Waits until this broker's acceptor takes connections (a backup: once it has taken over). */
    public void awaitLive(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(this::accepts);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates the instance (first time only) and starts it; returns once its acceptor takes connections. */
    public void start() throws IOException, InterruptedException {
        launch();
        Process started = process;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(started.isAlive()).as("Artemis is running").isTrue();
            return accepts();
        });
    }

    /** Creates the instance with {@code artemis create} unless it exists (a test may do it while other things start). */
    public void prepare() throws IOException, InterruptedException {
        if (!Files.exists(instance.resolve("bin"))) {
            create();
        }
    }

    private void launch() throws IOException, InterruptedException {
        prepare();
        ProcessBuilder run = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(instance.toFile(), "broker-run-" + (++runs) + ".log")));
        // as compose passes it: a system property broker.xml refers to
        run.environment().put("JAVA_ARGS_APPEND", "-Dcarebridge.artemis.cluster-password=" + CLUSTER_PASSWORD
                + " -XX:TieredStopAtLevel=1");
        process = run.start();
    }

    /** SIGKILL to the broker's JVM (the run script execs java, so this is the broker itself). */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private void create() throws IOException, InterruptedException {
        Process create = new ProcessBuilder(home.resolve("bin/artemis").toString(), "create",
                "--user", USER, "--password", PASSWORD, "--role", "amq", "--require-login", "--silent",
                "--no-web", "--no-autotune", "--java-memory", "512M", instance.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(instance.getParent().toFile(),
                        instance.getFileName() + "-create.log")))
                .start();
        assertThat(create.waitFor(180, TimeUnit.SECONDS)).as("artemis create finished").isTrue();
        assertThat(create.exitValue()).as("artemis create exit code").isZero();
        // The broker configuration docker/compose.yaml mounts, with the container's paths and acceptor moved here.
        String brokerXml = Files.readString(Examples.CONFIG.resolveSibling("docker").resolve(configuration), StandardCharsets.UTF_8)
                .replace("/var/lib/artemis-instance", instance.toString())
                .replace("tcp://0.0.0.0:61616", url())
                .replace("tcp://artemis:61616", "tcp://127.0.0.1:" + primaryPort)
                .replace("tcp://artemis-backup:61616", "tcp://127.0.0.1:" + backupPort);
        assertThat(brokerXml).contains(url());
        Files.writeString(instance.resolve("etc/broker.xml"), brokerXml, StandardCharsets.UTF_8);
    }

    public List<Path> logs() throws IOException {
        try (var files = Files.list(instance)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
        }
    }
}
