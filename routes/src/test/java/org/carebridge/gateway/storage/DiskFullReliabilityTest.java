package org.carebridge.gateway.storage;

import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.ledger.VerifierMain;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's PostgreSQL and Artemis data directories on a small filesystem of their own (a size-limited tmpfs in a
 * user and mount namespace), filled to the last byte while records keep coming: intake refuses them cleanly (503 with
 * Retry-After, no stack trace), stores nothing half, and takes them again by itself once space is freed; every
 * accepted record reaches its recipients and the ledger verifies offline.
 *
 * <p>PostgreSQL refuses to run as uid 0, which is what the namespace's creator is inside it, so the gateway runs in a
 * second, nested user namespace as the current uid. The test fills the filesystem through {@code /proc/<pid>/root},
 * the gateway's own view of the mounts. Where unprivileged namespaces or tmpfs mounts are not allowed the test is
 * skipped, saying so.
 */
@Tag("reliability")
class DiskFullReliabilityTest {

    private static final int RECORDS = Integer.getInteger("reliability.diskfull.records", 20);
    private static final int WHILE_FULL = Integer.getInteger("reliability.diskfull.attempts", 20);
    private static final String SIZE = System.getProperty("reliability.diskfull.size", "256m");
    private static final List<String> RECIPIENTS = List.of("cs-norfolk", "health-norfolk", "vs-suffolk");

    @Test
    void aFullDataFilesystemIsRefusedWith503AndIntakeResumesByItselfWhenSpaceReturns() throws Exception {
        Path root = GatewayProcess.createDataDir();
        Path volume = Files.createDirectories(root.resolve("volume"));
        assumeSmallFilesystems(root.resolve("probe"));
        Files.createSymbolicLink(root.resolve("postgres"), Path.of("volume", "postgres"));
        GatewayProcess gateway = new GatewayProcess(root, GatewayProcess.stablePort(),
                "--spring.artemis.embedded.data-directory=" + volume.resolve("artemis"))
                .launchedBy(command -> onSmallFilesystem(volume, command));
        DemoPartnerServer partners = null;
        try {
            gateway.start();
            Path seen = Path.of("/proc", Long.toString(gateway.pid()), "root").resolve(volume.toString().substring(1));
            partners = gateway.startPartners();
            for (String recipient : RECIPIENTS) {
                partners.inbox(recipient).orElseThrow().setOpenOnReceipt(false);
            }
            DevPki pki = new DevPki(root.resolve("pki"));
            PartnerClient client = PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                    pki.caCertificate(), gateway.baseUrl());
            String template = Examples.placementNotification("template");
            Set<String> accepted = new LinkedHashSet<>();
            Set<String> refused = new LinkedHashSet<>();
            int tried = 0;
            for (int i = 0; i < RECORDS; i++, tried++) {
                String messageId = Examples.newMessageId();
                HttpResponse<String> response = client.processMessage(Examples.bytes(Examples.withMessageId(template, messageId)));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                accepted.add(messageId);
            }

            // opened before the disk fills: a new session needs to write (its relation cache init file) and is refused then
            Connection whileFull = database(seen);
            try (Statement sql = whileFull.createStatement()) {
                // WAL segments for what comes next exist before the disk fills: PostgreSQL must fail a statement, not its WAL
                sql.execute("checkpoint");
                sql.execute("select pg_switch_wal()");
                sql.execute("checkpoint");
            }
            Path filler = seen.resolve("filler");
            long filled = fill(filler);

            int unavailable = 0;
            List<String> otherAnswers = new ArrayList<>();
            for (int i = 0; i < WHILE_FULL; i++, tried++) {
                String messageId = Examples.newMessageId();
                HttpResponse<String> response = client.processMessage(Examples.bytes(Examples.withMessageId(template, messageId)));
                if (response.statusCode() == 202) {
                    accepted.add(messageId); // it still fitted into pages that had room
                } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()
                        && !response.body().contains("Exception") && !response.body().contains("\tat ")) {
                    unavailable++;
                    refused.add(messageId);
                } else {
                    otherAnswers.add(response.statusCode() + " " + response.body());
                    refused.add(messageId);
                }
            }
            long halfStoredWhileFull;
            try (Connection db = whileFull) {
                halfStoredWhileFull = halfStored(db, accepted) + count(db, "select count(*) from intake_record where message_id = any (?)", refused);
            }

            Files.delete(filler);
            long freedAt = System.nanoTime();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                for (String messageId : List.copyOf(refused)) {
                    if (client.processMessage(Examples.bytes(Examples.withMessageId(template, messageId))).statusCode() != 202) {
                        return false;
                    }
                    refused.remove(messageId);
                    accepted.add(messageId);
                }
                return true;
            });
            Duration resumed = Duration.ofNanos(System.nanoTime() - freedAt);

            DemoPartnerServer receiving = partners;
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> RECIPIENTS.stream()
                    .allMatch(r -> stored(receiving, r).containsAll(accepted)));
            long lost = 0;
            for (String recipient : RECIPIENTS) {
                Set<String> ids = stored(partners, recipient);
                lost += accepted.stream().filter(id -> !ids.contains(id)).count();
            }
            long halfStored;
            String integrity;
            try (Connection db = database(seen)) {
                halfStored = halfStored(db, accepted);
                await().atMost(Duration.ofMinutes(2)).until(() -> count(db, "select count(*) from audit_outbox", Set.of()) == 0
                        && count(db, "select coalesce(max(tree_size), 0) from audit_checkpoint", Set.of())
                        == count(db, "select coalesce(max(seq), 0) from audit_entry", Set.of()));
                integrity = amcheck(db);
            }
            String verified = verifyLedgerOffline(gateway, pki, root.resolve("ledger-export"));
            String report = "disk full (" + SIZE + " filesystem, " + filled / (1024 * 1024) + " MB filler): tried " + tried
                    + ", accepted " + accepted.size() + ", answered 503 with Retry-After while full " + unavailable
                    + ", other answers " + otherAnswers.size() + ", half-stored while full " + halfStoredWhileFull
                    + ", refused records accepted when sent again " + resumed.toMillis() + " ms after space returned"
                    + ", half-stored " + halfStored + ", lost " + lost + " copies; " + integrity + "; ledger: " + verified;
            System.out.println(report);
            Files.writeString(Path.of("target", "reliability-disk-full.txt"), report + System.lineSeparator());

            assertThat(otherAnswers).as("answers other than 202, or 503 with Retry-After and no stack trace").isEmpty();
            assertThat(unavailable).as("records refused with 503 while the filesystem was full").isPositive();
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

    /** {@code unshare} makes a user and mount namespace, mounts the tmpfs, then runs the command as the current uid. */
    private static List<String> onSmallFilesystem(Path mountPoint, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-Urm", "sh", "-c",
                "mount -t tmpfs -o size=\"$1\" tmpfs \"$2\" && mkdir -p \"$2/postgres\" \"$2/artemis\" && u=$3 && g=$4 && shift 4"
                        + " && exec unshare --user --map-user=\"$u\" --map-group=\"$g\" \"$@\"",
                "small-filesystem", SIZE, mountPoint.toString(), uid("uid"), uid("gid")));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void assumeSmallFilesystems(Path probe) throws Exception {
        Files.createDirectories(probe);
        String said;
        int exit;
        try {
            Process p = new ProcessBuilder("unshare", "-Urm", "sh", "-c",
                    "mount -t tmpfs -o size=1m tmpfs \"$1\" && exec unshare --user --map-user=\"$2\" --map-group=\"$3\" sh -c 'test \"$(id -u)\" = \"$0\"' \"$2\"",
                    "probe", probe.toString(), uid("uid"), uid("gid")).redirectErrorStream(true).start();
            said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            exit = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            said = e.getMessage();
            exit = -1;
        }
        Assumptions.assumeTrue(exit == 0, "Skipped: this machine does not let an unprivileged user mount a tmpfs in a user and mount "
                + "namespace and run as itself in a nested user namespace (unshare -Urm; " + said + ")");
    }

    private static String uid(String which) {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:" + which).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes until the filesystem has no byte left; returns how much it took. */
    private static long fill(Path filler) throws IOException {
        long written = 0;
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int chunk : new int[]{1 << 20, 1 << 12, 1 << 9}) {
                ByteBuffer bytes = ByteBuffer.allocate(chunk);
                try {
                    while (true) {
                        bytes.clear();
                        while (bytes.hasRemaining()) {
                            written += out.write(bytes);
                        }
                    }
                } catch (IOException noSpaceLeft) {
                    // the next, smaller chunk fills what is left
                }
            }
            out.force(true);
        }
        return written;
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

    private static long halfStored(Connection db, Set<String> messageIds) throws Exception {
        return count(db, """
                select count(*) from intake_record r
                where r.message_id = any (?)
                  and ((select count(*) from delivery d where d.tracking_id = r.tracking_id) <> 3
                       or not exists (select 1 from record_clock c where c.tracking_id = r.tracking_id)
                       or not exists (select 1 from data_key k where k.tracking_id = r.tracking_id))""", messageIds)
                + messageIds.size() - count(db, "select count(*) from intake_record where message_id = any (?)", messageIds);
    }

    private static long count(Connection db, String sql, Set<String> ids) throws Exception {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            if (sql.contains("?")) {
                statement.setArray(1, db.createArrayOf("text", ids.toArray()));
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** PostgreSQL's own check of every table's B-tree indexes against their heaps (amcheck). */
    private static String amcheck(Connection db) throws Exception {
        int checked = 0;
        try (Statement sql = db.createStatement()) {
            sql.execute("create extension if not exists amcheck");
            try (ResultSet indexes = sql.executeQuery("""
                    select c.oid::regclass::text from pg_index i join pg_class c on c.oid = i.indexrelid
                    join pg_am a on a.oid = c.relam join pg_namespace n on n.oid = c.relnamespace
                    where a.amname = 'btree' and n.nspname = 'public' and c.relpersistence = 'p'""")) {
                List<String> names = new ArrayList<>();
                while (indexes.next()) {
                    names.add(indexes.getString(1));
                }
                for (String index : names) {
                    try (PreparedStatement check = db.prepareStatement("select bt_index_check(?::regclass, true)")) {
                        check.setString(1, index);
                        check.execute();
                        checked++;
                    }
                }
            }
        }
        return "amcheck OK: " + checked + " indexes and their heaps";
    }

    private static Set<String> stored(DemoPartnerServer partners, String recipient) {
        Set<String> ids = new java.util.HashSet<>();
        try (Stream<Path> files = Files.list(partners.inbox(recipient).orElseThrow().dir())) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".p7m") || f.endsWith(".json"))
                    .forEach(f -> ids.add(f.substring(0, f.lastIndexOf('.'))));
        } catch (IOException e) {
            return Set.of();
        }
        return ids;
    }

    private static String verifyLedgerOffline(GatewayProcess gateway, DevPki pki, Path dir) throws Exception {
        Files.createDirectories(dir);
        Properties users = new Properties();
        try (var in = Files.newInputStream(gateway.dataDir().resolve("pki/ig-users.dev-only.txt"))) {
            users.load(in);
        }
        Map<String, String> auth = Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                ("ig-officer:" + users.getProperty("ig-officer")).getBytes(StandardCharsets.UTF_8)));
        PartnerClient ig = PartnerClient.anonymous(pki.caCertificate(), gateway.baseUrl());
        for (String[] download : new String[][]{{"/ig/ledger/export", "ledger.jsonl"}, {"/ig/ledger/checkpoints", "checkpoints.json"},
                {"/ig/ledger/certificate", "checkpoint-signer.crt.pem"}}) {
            HttpResponse<String> response = ig.get(download[0], auth);
            assertThat(response.statusCode()).as(download[0]).isEqualTo(200);
            Files.writeString(dir.resolve(download[1]), response.body(), StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = VerifierMain.run(new String[]{"verify", "--entries", dir.resolve("ledger.jsonl").toString(),
                "--checkpoints", dir.resolve("checkpoints.json").toString(),
                "--cert", dir.resolve("checkpoint-signer.crt.pem").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
        String said = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(exit).as(said).isZero();
        return said;
    }
}
