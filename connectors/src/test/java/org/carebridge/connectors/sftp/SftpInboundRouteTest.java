package org.carebridge.connectors.sftp;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.connectors.inbound.Ssda903Inbound;
import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SFTP inbound route against a real SFTP server (Apache MINA SSHD), host key checked against known_hosts: each
 * file is processed once, moved to done or error, and answered with an acknowledgement listing every row.
 */
class SftpInboundRouteTest {

    private static final Path CONFIG = Path.of("..", "config");
    private static final Path FIXTURES = Path.of("src", "test", "resources", "ssda903", "suffolk-messy");

    @TempDir
    Path dir;

    private SshServer sshd;
    private CamelContext camel;
    private Path outbox;
    private Path acks;
    private final RecordingIntake intake = new RecordingIntake();

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(dir.resolve("sftp"));
        outbox = Files.createDirectories(root.resolve("outbox"));
        acks = Files.createDirectories(root.resolve("ack"));
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host.key")));
        sshd.setPasswordAuthenticator((user, password, session) -> "cs-suffolk".equals(user) && "demo secret".equals(password));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        KeyPair hostKey = sshd.getKeyPairProvider().loadKeys(null).iterator().next();
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
                "[127.0.0.1]:" + sshd.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");

        CollectionYears years = CollectionYears.load(CONFIG.resolve("formats/ssda903"));
        Ssda903Settings settings = new Ssda903Settings("cs-suffolk", "Suffolk County Council Children's Services", "E10000029",
                years.year("2025-26").orElseThrow(), null, Ssda903Settings.UnknownColumns.WARN);
        Ssda903Inbound files = new Ssda903Inbound(intake, settings, Period.ofDays(60), ChildrensHomes.load(CONFIG.resolve("homes.yaml")),
                Ssda903Inbound.Form.CSV, ZippedTables.Limits.DEFAULT, Clock.fixed(Instant.parse("2025-11-25T09:00:00Z"), ZoneOffset.UTC));

        camel = new DefaultCamelContext();
        camel.addRoutes(new SftpInboundRouteTemplate());
        camel.getRegistry().bind(SftpInboundRouteTemplate.filesBean("cs-suffolk"), SftpInboundRouteTemplate.processor(files));
        camel.start();
        TemplatedRouteBuilder.builder(camel, SftpInboundRouteTemplate.TEMPLATE_ID)
                .routeId(SftpInboundRouteTemplate.routeId("cs-suffolk"))
                .parameter("partner", "cs-suffolk")
                .parameter("host", "127.0.0.1")
                .parameter("port", String.valueOf(sshd.getPort()))
                .parameter("username", "cs-suffolk")
                .parameter("password", "demo secret")
                .parameter("knownHostsFile", knownHosts.toString())
                .parameter("outbox", "outbox")
                .parameter("ackFolder", "ack")
                .parameter("workDirectory", dir.resolve("work").toString())
                .parameter("delay", "100")
                .parameter("files", SftpInboundRouteTemplate.filesBean("cs-suffolk"))
                .add();
    }

    @AfterEach
    void stop() throws IOException {
        camel.stop();
        sshd.stop(true);
    }

    @Test
    void aDropIsProcessedOnceMovedToDoneAndAnsweredRowByRow() throws IOException {
        byte[] zip = zipOfFixtures();
        Files.write(outbox.resolve("suffolk-2025-11.zip"), zip);

        Path ack = acks.resolve("suffolk-2025-11.zip.ack.csv");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(ack) && Files.exists(outbox.resolve("done/suffolk-2025-11.zip")));
        List<String> lines = Files.readAllLines(ack);
        assertThat(lines.get(0)).isEqualTo("table,line,outcome,column,detail,event,message_id,tracking_id");
        assertThat(lines.get(1)).startsWith("FILE,0,processed,,");
        assertThat(lines).anyMatch(l -> l.startsWith("Episodes,3,accepted,,accepted for 3 recipient(s),placement-notification,"));
        assertThat(lines).contains("Episodes,7,refused,PLACE,PLACE 'H5' is not in the 2025-26 code list (it is a 2024-25 code),,,");
        assertThat(lines).contains("Header,4,refused,DOB,DOB is not a date in the form DD/MM/YYYY,,,");
        assertThat(lines).anyMatch(l -> l.startsWith("Reviews,0,warning,,table Reviews is not needed"));
        assertThat(intake.accepted).hasSize(6);
        assertThat(outbox.resolve("suffolk-2025-11.zip")).doesNotExist();
        assertThat(acks).isDirectoryNotContaining("glob:**/.part-*");

        Files.write(outbox.resolve("suffolk-2025-11-again.zip"), zip);
        Path again = acks.resolve("suffolk-2025-11-again.zip.ack.csv");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(again));
        assertThat(Files.readAllLines(again)).filteredOn(l -> l.contains(",duplicate,")).hasSize(6);
        assertThat(Files.readAllLines(again)).noneMatch(l -> l.contains(",accepted,"));
        assertThat(intake.accepted).hasSize(6);
        assertThat(intake.files).containsExactly(
                "processed 6 accepted, 9 refused, 3 skipped, 3 read, 1 warning",
                "processed 6 duplicate, 9 refused, 3 skipped, 3 read, 1 warning");
    }

    @Test
    void aTruncatedFileIsRefusedWholeMovedToErrorAndNothingIsPassedOn() throws IOException {
        byte[] zip = zipOfFixtures();
        Files.write(outbox.resolve("cut.zip"), Arrays.copyOf(zip, zip.length - 40));
        Path ack = acks.resolve("cut.zip.ack.csv");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(ack) && Files.exists(outbox.resolve("error/cut.zip")));
        assertThat(Files.readAllLines(ack)).containsExactly("table,line,outcome,column,detail,event,message_id,tracking_id",
                "FILE,0,refused,,file refused: the file is not a complete zip archive (truncated or not a zip),,,");
        assertThat(intake.submitted).isEmpty();
    }

    @Test
    void namesThatCouldLeaveTheFolderOrAreStillBeingWrittenAreNotFetched() throws IOException {
        Files.write(outbox.resolve("..%2F..%2Fescape.zip"), zipOfFixtures());
        Files.write(outbox.resolve(".part-upload.zip"), zipOfFixtures());
        Files.write(outbox.resolve("good.zip"), zipOfFixtures());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(acks.resolve("good.zip.ack.csv")));
        assertThat(outbox.resolve("..%2F..%2Fescape.zip")).exists();
        assertThat(outbox.resolve(".part-upload.zip")).exists();
        try (var listing = Files.list(acks)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("good.zip.ack.csv");
        }
    }

    private static byte[] zipOfFixtures() throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : List.of("Header.csv", "Episodes.csv", "Missing.csv", "Reviews.csv")) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(Files.readAllBytes(FIXTURES.resolve(name)));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The governed intake as the adapter sees it: stores each message id once. The real one is tested in routes. */
    static final class RecordingIntake implements GovernedIntake {
        final Map<String, String> accepted = new ConcurrentHashMap<>();
        final List<String> submitted = new ArrayList<>();
        final List<String> files = new ArrayList<>();

        @Override
        public synchronized Receipt submit(String partnerId, Bundle message, String via) {
            submitted.add(message.getIdElement().getIdPart());
            assertThat(via).doesNotContain("SCC");
            String existing = accepted.putIfAbsent(message.getIdElement().getIdPart(), "t-" + accepted.size());
            return existing != null ? Receipt.duplicate(existing) : Receipt.accepted(accepted.get(message.getIdElement().getIdPart()), 3);
        }

        @Override
        public synchronized void fileProcessed(String partnerId, String fileDigest, String outcome, String summary) {
            assertThat(fileDigest).matches("sha256:[0-9a-f]{64}");
            files.add(outcome + " " + summary);
        }
    }

}
