package org.carebridge.gateway.storage;

import org.carebridge.gateway.cluster.ReliabilityRun;
import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.gateway.support.SmallFilesystem;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's PostgreSQL and Artemis data directories on a small filesystem of their own (a size-limited tmpfs in a
 * user and mount namespace), filled to the last byte while records keep coming: intake refuses them cleanly (503 with
 * Retry-After, no stack trace), stores nothing half, and takes them again by itself once space is freed; every
 * accepted record reaches its recipients and the ledger verifies offline.
 *
 * <p>PostgreSQL refuses to run as uid 0, which is what the namespace's creator is inside it, so the gateway runs in a
 * second, nested user namespace as the current uid ({@link SmallFilesystem#launcher}). The test fills the filesystem
 * through {@code /proc/<pid>/root}, the gateway's own view of the mounts. Where unprivileged namespaces or tmpfs mounts
 * are not allowed the test is skipped, saying so. Sending and counting are {@link ReliabilityRun}'s.
 */
@Tag("reliability")
class DiskFullReliabilityTest {

    private static final int RECORDS = Integer.getInteger("reliability.diskfull.records", 20);
    private static final int WHILE_FULL = Integer.getInteger("reliability.diskfull.attempts", 20);
    private static final String SIZE = System.getProperty("reliability.diskfull.size", "256m");

    @Test
    void aFullDataFilesystemIsRefusedWith503AndIntakeResumesByItselfWhenSpaceReturns() throws Exception {
        Path root = GatewayProcess.createDataDir();
        Path volume = Files.createDirectories(root.resolve("volume"));
        Optional<String> unavailable = SmallFilesystem.unavailable(root.resolve("probe"));
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "Skipped: " + unavailable.orElseThrow());
        Files.createSymbolicLink(root.resolve("postgres"), Path.of("volume", "postgres"));
        GatewayProcess gateway = new GatewayProcess(root, GatewayProcess.stablePort(),
                "--spring.artemis.embedded.data-directory=" + volume.resolve("artemis"))
                .launchedBy(command -> SmallFilesystem.launcher(volume, SIZE, List.of("postgres", "artemis"), command));
        DemoPartnerServer partners = null;
        try {
            gateway.start();
            Path seen = Path.of("/proc", Long.toString(gateway.pid()), "root").resolve(volume.toString().substring(1));
            partners = gateway.startPartners();
            for (String recipient : ReliabilityRun.RECIPIENTS) {
                partners.inbox(recipient).orElseThrow().setOpenOnReceipt(false);
            }
            DevPki pki = new DevPki(root.resolve("pki"));
            PartnerClient client = PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                    pki.caCertificate(), gateway.baseUrl());
            String template = Examples.placementNotification("template");
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            ReliabilityRun.Refusals before = new ReliabilityRun.Refusals(template);
            for (int i = 0; i < RECORDS; i++) {
                before.sendNew(client, accepted);
            }
            assertThat(before.refused()).as("records refused before the disk filled: %s", before.otherAnswers()).isEmpty();

            // opened before the disk fills: a new session needs to write (its relation cache init file) and is refused then
            Connection whileFull = database(seen);
            try (Statement sql = whileFull.createStatement()) {
                // WAL segments for what comes next exist before the disk fills: PostgreSQL must fail a statement, not its WAL
                sql.execute("checkpoint");
                sql.execute("select pg_switch_wal()");
                sql.execute("checkpoint");
            }
            Path filler = seen.resolve("filler");
            long filled = SmallFilesystem.fill(filler);

            ReliabilityRun.Refusals full = new ReliabilityRun.Refusals(template);
            for (int i = 0; i < WHILE_FULL; i++) {
                full.sendNew(client, accepted);
            }
            long halfStoredWhileFull;
            try (Connection db = whileFull) {
                halfStoredWhileFull = ReliabilityRun.halfStored(db, accepted) + ReliabilityRun.storedOf(db, full.refused());
            }

            Files.delete(filler);
            Duration resumed = full.resendUntilTaken(() -> client, accepted, Duration.ofMinutes(3));

            ReliabilityRun.awaitDelivered(partners, accepted, Duration.ofMinutes(5));
            long lost = ReliabilityRun.lost(partners, accepted);
            long halfStored;
            String integrity;
            try (Connection db = database(seen)) {
                halfStored = ReliabilityRun.halfStored(db, accepted);
                ReliabilityRun.awaitLedgerSettled(db, Duration.ofMinutes(2));
                integrity = ReliabilityRun.amcheck(db);
            }
            String verified = ReliabilityRun.verifyLedgerOffline(gateway, pki, root.resolve("ledger-export"));
            ReliabilityRun.report("disk-full", "disk full (" + SIZE + " filesystem, " + filled / (1024 * 1024) + " MB filler): tried "
                    + (before.tried() + full.tried()) + ", accepted " + accepted.size() + ", answered 503 with Retry-After while full "
                    + full.unavailable() + ", other answers " + full.otherAnswers().size() + ", half-stored while full " + halfStoredWhileFull
                    + ", refused records accepted when sent again " + resumed.toMillis() + " ms after space returned"
                    + ", half-stored " + halfStored + ", lost " + lost + " copies; " + integrity + "; ledger: " + verified);

            assertThat(full.otherAnswers()).as("answers other than 202, or 503 with Retry-After and no stack trace").isEmpty();
            assertThat(full.unavailable()).as("records refused with 503 while the filesystem was full").isPositive();
            assertThat(halfStoredWhileFull).as("records stored without all their parts, or refused yet stored").isZero();
            assertThat(halfStored).as("records stored without all their parts").isZero();
            assertThat(lost).as("accepted copies lost").isZero();
            assertThat(integrity).startsWith("amcheck OK");
            assertThat(verified).startsWith("OK");
        } finally {
            gateway.stop();
            // a gateway killed before it stopped its PostgreSQL leaves it in the namespace, holding the mount
            ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(java.util.Arrays::asList)
                    .map(a -> a.contains(root.resolve("postgres").toString())).orElse(false))
                    .forEach(DiskFullReliabilityTest::stopLeftBehind);
            if (partners != null) {
                partners.stop();
            }
        }
    }

    private static void stopLeftBehind(ProcessHandle postmaster) {
        if (!postmaster.isAlive()) {
            return;
        }
        postmaster.destroy();
        try {
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            List<ProcessHandle> backends = postmaster.descendants().toList();
            postmaster.destroyForcibly();
            backends.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static Connection database(Path volume) throws Exception {
        List<String> pid = Files.readAllLines(volume.resolve("postgres/postmaster.pid"));
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pid.get(3).trim() + "/postgres", "postgres", "");
    }
}
