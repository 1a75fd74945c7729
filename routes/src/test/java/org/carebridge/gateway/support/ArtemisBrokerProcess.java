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
 * A standalone ActiveMQ Artemis broker from the Apache distribution (unpacked by the reliability profile into
 * {@code artemis.home}): {@code artemis create} makes an instance, whose broker.xml is replaced by docker/broker.xml
 * with its paths and acceptor moved onto this machine, then {@code artemis run} serves it as its own process.
 */
public final class ArtemisBrokerProcess {

    public static final String USER = "carebridge";
    public static final String PASSWORD = "reliability-only";

    private final Path home;
    private final Path instance;
    private final int port = GatewayTest.freePort();
    private Process process;
    private int runs;

    public ArtemisBrokerProcess(Path instance) {
        String artemisHome = System.getProperty("artemis.home");
        assertThat(artemisHome).as("artemis.home (set by -Preliability)").isNotBlank();
        this.home = Paths.get(artemisHome).toAbsolutePath();
        this.instance = instance.toAbsolutePath();
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Creates the instance (first time only) and starts it; returns once its acceptor takes connections. */
    public void start() throws IOException, InterruptedException {
        if (!Files.exists(instance.resolve("bin"))) {
            create();
        }
        process = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(instance.toFile(), "broker-run-" + (++runs) + ".log")))
                .start();
        Process started = process;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(started.isAlive()).as("Artemis is running").isTrue();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
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
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(instance.getParent().toFile(), "artemis-create.log")))
                .start();
        assertThat(create.waitFor(180, TimeUnit.SECONDS)).as("artemis create finished").isTrue();
        assertThat(create.exitValue()).as("artemis create exit code").isZero();
        // The broker configuration docker/compose.yaml mounts, with the container's paths and acceptor moved here.
        String brokerXml = Files.readString(Examples.CONFIG.resolveSibling("docker").resolve("broker.xml"), StandardCharsets.UTF_8)
                .replace("/var/lib/artemis-instance", instance.toString())
                .replace("tcp://0.0.0.0:61616", url());
        assertThat(brokerXml).contains(url());
        Files.writeString(instance.resolve("etc/broker.xml"), brokerXml, StandardCharsets.UTF_8);
    }

    public List<Path> logs() throws IOException {
        try (var files = Files.list(instance)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
        }
    }
}
