package org.carebridge.connectors.sftp;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Copies reach a partner's SFTP inbox (a real Apache MINA SSHD server) under a temporary name, renamed when complete. */
class SftpOutboundRouteTest {

    @TempDir
    Path dir;

    private SshServer sshd;
    private CamelContext camel;
    private Path inbox;
    private final List<String> renames = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(dir.resolve("sftp"));
        inbox = Files.createDirectories(root.resolve("inbox"));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void moved(ServerSession session, Path source, Path destination, Collection<CopyOption> options, Throwable thrown) {
                renames.add(source.getFileName() + " -> " + destination.getFileName());
            }
        });
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host.key")));
        sshd.setPasswordAuthenticator((user, password, session) -> "gateway".equals(user) && "s3cret".equals(password));
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        KeyPair hostKey = sshd.getKeyPairProvider().loadKeys(null).iterator().next();
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
                "[127.0.0.1]:" + sshd.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
        camel = new DefaultCamelContext();
        camel.addRoutes(new SftpOutboundRouteTemplate());
        camel.start();
        TemplatedRouteBuilder.builder(camel, SftpOutboundRouteTemplate.TEMPLATE_ID)
                .routeId(SftpOutboundRouteTemplate.routeId("vs-example"))
                .parameter("partner", "vs-example")
                .parameter("host", "127.0.0.1")
                .parameter("port", String.valueOf(sshd.getPort()))
                .parameter("username", "gateway")
                .parameter("password", "s3cret")
                .parameter("knownHostsFile", knownHosts.toString())
                .parameter("inbox", "inbox")
                .add();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        sshd.stop(true);
    }

    @Test
    void aCopyIsWrittenUnderATemporaryNameAndRenamedWhenComplete() throws Exception {
        ProducerTemplate producer = camel.createProducerTemplate();
        byte[] copy = new byte[300_000];
        new java.util.Random(7).nextBytes(copy);
        producer.sendBodyAndHeader(SftpOutboundRouteTemplate.inputOf("vs-example"), copy, Exchange.FILE_NAME, "7d1f6f0e.p7m");

        assertThat(inbox.resolve("7d1f6f0e.p7m")).hasBinaryContent(copy);
        assertThat(renames).containsExactly(".7d1f6f0e.p7m.part -> 7d1f6f0e.p7m");
        try (var files = Files.list(inbox)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("7d1f6f0e.p7m");
        }

        producer.sendBodyAndHeader(SftpOutboundRouteTemplate.inputOf("vs-example"), "other".getBytes(), Exchange.FILE_NAME, "7d1f6f0e.p7m");
        assertThat(inbox.resolve("7d1f6f0e.p7m")).hasBinaryContent(copy);
    }

    @Test
    void aNameThatCouldLeaveTheInboxIsRefusedBeforeAnythingIsWritten() {
        ProducerTemplate producer = camel.createProducerTemplate();
        assertThatThrownBy(() -> producer.sendBodyAndHeader(SftpOutboundRouteTemplate.inputOf("vs-example"), "x".getBytes(),
                Exchange.FILE_NAME, "../escape.p7m"))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseMessage("a copy was not written: the file name could reach outside its folder (path traversal)");
        assertThat(dir.resolve("sftp/escape.p7m")).doesNotExist();
        assertThat(renames).isEmpty();
    }
}
