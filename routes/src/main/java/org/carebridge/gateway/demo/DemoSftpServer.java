package org.carebridge.gateway.demo;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.carebridge.security.partner.PartnerInbound;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo partners' own SFTP server (Apache MINA SSHD, 127.0.0.1 only): one login and folder per partner with
 * {@code inbound.transport: sftp} or {@code endpoint.transport: sftp}, under {@code data/demo-partners/sftp/<partner>/}
 * ({@code outbox/} where the partner drops its files, {@code ack/} where the gateway answers, and the endpoint's inbox
 * folder where the gateway writes its copies). Dev-only passwords and host key are generated under the pki
 * folder on first start, with the known_hosts line the gateway checks the host key against. Off in production.
 */
public class DemoSftpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoSftpServer.class);

    private final SshServer server;
    private final Map<String, Path> roots = new ConcurrentHashMap<>();

    public DemoSftpServer(PartnerRegistry registry, Path demoDir, Path pkiDir, int port) {
        Path keys = pkiDir.resolve("demo-sftp");
        Map<String, String> passwords = new ConcurrentHashMap<>();
        VirtualFileSystemFactory files = new VirtualFileSystemFactory(demoDir.resolve("sftp"));
        try {
            Files.createDirectories(keys);
            for (Partner partner : registry.all()) {
                PartnerInbound inbound = partner.inbound();
                if (inbound != null && PartnerInbound.SFTP.equals(inbound.transport())) {
                    Path root = Files.createDirectories(demoDir.resolve("sftp").resolve(partner.id()));
                    Files.createDirectories(root.resolve(inbound.folder()));
                    Files.createDirectories(root.resolve(inbound.ackFolder()));
                    roots.put(partner.id(), root);
                    files.setUserHomeDir(inbound.username(), root);
                    passwords.put(inbound.username(), password(inbound.passwordFile()));
                }
                PartnerEndpoint endpoint = partner.endpoint();
                if (endpoint != null && endpoint.transport() == Transport.SFTP && isHere(endpoint)) {
                    // a partner that takes its copies as files in its inbox folder
                    Path root = Files.createDirectories(demoDir.resolve("sftp").resolve(partner.id()));
                    Files.createDirectories(root.resolve(endpoint.folder()));
                    roots.put(partner.id(), root);
                    files.setUserHomeDir(endpoint.login().username(), root);
                    passwords.put(endpoint.login().username(), password(endpoint.login().passwordFile()));
                }
            }
            server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(port);
            server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(keys.resolve("host-key.dev-only.pem")));
            server.setPasswordAuthenticator((user, password, session) -> passwords.containsKey(user)
                    && MessageDigest.isEqual(passwords.get(user).getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8)));
            server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
            server.setFileSystemFactory(files);
            server.start();
            KeyPair hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next();
            Files.writeString(keys.resolve("known_hosts.dev-only"),
                    "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("the demo SFTP server cannot start", e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the demo SFTP server has no host key", e);
        }
        log.info("Demo partners' SFTP server on 127.0.0.1:{} for {}", server.getPort(), roots.keySet());
    }

    private static boolean isHere(PartnerEndpoint endpoint) {
        return "127.0.0.1".equals(endpoint.host()) || "localhost".equals(endpoint.host());
    }

    /** The folder a demo partner's SFTP login sees. */
    public Path root(String partnerId) {
        return roots.get(partnerId);
    }

    public int port() {
        return server.getPort();
    }

    private static String password(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
        }
        return Files.readString(file).strip();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
