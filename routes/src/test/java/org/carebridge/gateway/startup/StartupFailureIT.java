package org.carebridge.gateway.startup;

import org.carebridge.gateway.GatewayApplication;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The gateway, started as an operator starts it (its own JVM), fails fast and says why: a port in use, a bad
 * agreement file, the production profile on the embedded database and broker. Each must exit non-zero with a short
 * Spring Boot failure analysis, not hang or bury the cause in a stack trace.
 */
class StartupFailureIT {

    @Test
    void aPartnerPortInUseExitsPromptlyNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Started run = start(Examples.CONFIG, "--server.port=" + taken.getLocalPort());
            assertThat(run.output()).contains("APPLICATION FAILED TO START").contains("Port " + taken.getLocalPort());
        }
    }

    @Test
    void aBadAgreementFileExitsWithItsFileAndLine() throws Exception {
        Path config = copyOfConfig();
        Path agreement = config.resolve("agreements/care-leaver-police-contact.yaml");
        Files.writeString(agreement, Files.readString(agreement) + "version: 2\n");
        int line = Files.readAllLines(agreement).size();

        Started run = start(config, "--server.port=0");
        String report = report(run.output());
        assertThat(report).contains("care-leaver-police-contact.yaml").contains("line " + line).contains("Action:")
                .doesNotContain("Caused by").doesNotContain("\tat ");
        assertThat(report.lines().count()).isLessThan(20);
    }

    @Test
    void theProductionProfileRefusesTheEmbeddedDatabaseAndBroker() throws Exception {
        Started run = start(Examples.CONFIG, "--server.port=0", "--spring.profiles.active=production");
        assertThat(run.output()).contains("APPLICATION FAILED TO START")
                .contains("refuses to start on embedded PostgreSQL").contains("embedded Artemis")
                .contains("carebridge.embedded.allow-in-production");
    }

    /** Spring Boot's failure analysis: from its banner to the end of the Action paragraph. */
    private static String report(String output) {
        int start = output.indexOf("APPLICATION FAILED TO START");
        assertThat(start).as(output).isNotNegative();
        int action = output.indexOf("Action:", start);
        assertThat(action).as(output).isPositive();
        int end = output.indexOf("\n\n", action + "Action:\n\n".length());
        return output.substring(start, end < 0 ? output.length() : end);
    }

    private record Started(int exitCode, String output) {
    }

    private static Started start(Path config, String... args) throws Exception {
        Path data = Files.createTempDirectory(Files.createDirectories(Paths.get("target", "it-data")), "startup-").toAbsolutePath();
        Path log = data.resolve("gateway.log");
        GatewayProcess.seedPki(data);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
        command.addAll(GatewayProcess.TEST_JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), GatewayApplication.class.getName(),
                "--carebridge.data-dir=" + data, "--carebridge.config-dir=" + config.toAbsolutePath(),
                "--management.server.port=0", "--carebridge.demo-partners.port=" + GatewayTest.freePort()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("the gateway did not exit after failing to start:\n" + tail(log));
        }
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isNotZero();
        return new Started(process.exitValue(), output);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static Path copyOfConfig() throws IOException {
        Path copy = Files.createTempDirectory(Files.createDirectories(Paths.get("target", "it-data")), "config-");
        try (Stream<Path> files = Files.walk(Examples.CONFIG)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(Examples.CONFIG.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return copy;
    }
}
