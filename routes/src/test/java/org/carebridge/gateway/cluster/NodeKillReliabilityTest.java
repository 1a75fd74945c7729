package org.carebridge.gateway.cluster;

import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.ArtemisBrokerProcess;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.gateway.support.StandalonePostgres;
import org.carebridge.ledger.VerifierMain;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two identical gateway nodes on a standalone Artemis broker and a standalone PostgreSQL; one node is killed with
 * SIGKILL {@code reliability.kills} times while {@code reliability.records} placement notifications are sent, each kill
 * with requests in flight, and restarted after. A sender whose request fails tries the other node with the same
 * message id. Then: every accepted record is delivered to each of its recipients and stored there once, its clock
 * stopped on delivery, and the ledger exported from the gateway verifies offline.
 */
@Tag("reliability")
class NodeKillReliabilityTest {

    private static final List<String> RECIPIENTS = List.of("cs-norfolk", "health-norfolk", "vs-suffolk");
    private static final int RECORDS = Integer.getInteger("reliability.records", 1000);
    private static final int KILLS = Integer.getInteger("reliability.kills", 5);
    private static final int SENDERS = 8;

    @Test
    void killingOneOfTwoNodesRepeatedlyLosesNoAcceptedRecordAndDeliversNoneTwice() throws Exception {
        Path root = GatewayProcess.createDataDir();
        Path data = Files.createDirectories(root.resolve("gateway"));
        ArtemisBrokerProcess broker = new ArtemisBrokerProcess(root.resolve("artemis"));
        List<GatewayProcess> nodes = new ArrayList<>();
        DemoPartnerServer partners = null;
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try (StandalonePostgres postgres = new StandalonePostgres(root.resolve("postgres"))) {
            broker.start();
            List<String> arguments = new ArrayList<>(List.of(postgres.gatewayArguments()));
            arguments.addAll(List.of(
                    "--spring.artemis.broker-url=" + broker.url(),
                    "--spring.artemis.user=" + ArtemisBrokerProcess.USER,
                    "--spring.artemis.password=" + ArtemisBrokerProcess.PASSWORD,
                    "--carebridge.cluster.lease=6s",
                    "--carebridge.cluster.renew-interval=1s",
                    "--carebridge.audit.checkpoint-interval=5s"));
            int partnersPort = GatewayTest.freePort();
            for (int i = 0; i < 2; i++) {
                GatewayProcess node = new GatewayProcess(data, partnersPort, arguments.toArray(String[]::new));
                nodes.add(node);
                node.start(); // the first makes the dev PKI and migrates the database; the second finds both
            }
            partners = nodes.get(0).startPartners();
            for (String recipient : RECIPIENTS) {
                partners.inbox(recipient).orElseThrow().setOpenOnReceipt(false);
            }
            DevPki pki = new DevPki(data.resolve("pki"));
            List<PartnerClient> clients = new ArrayList<>();
            for (GatewayProcess node : nodes) {
                clients.add(PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                        pki.caCertificate(), node.baseUrl()));
            }
            String template = Examples.placementNotification("template");

            Set<String> accepted = ConcurrentHashMap.newKeySet();
            AtomicInteger retried = new AtomicInteger();
            int perPhase = Math.max(1, RECORDS / (KILLS + 1));
            int sent = 0;
            for (int phase = 0; phase <= KILLS && sent < RECORDS; phase++) {
                int count = phase == KILLS ? RECORDS - sent : Math.min(perPhase, RECORDS - sent);
                List<Future<?>> inFlight = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int n = sent + i;
                    inFlight.add(senders.submit(() -> send(clients, nodes, n, template, accepted, retried)));
                }
                sent += count;
                GatewayProcess victim = phase < KILLS ? nodes.get(phase % 2) : null;
                for (int i = 0; i < inFlight.size(); i++) {
                    if (victim != null && i == inFlight.size() / 2) {
                        victim.kill(); // with the rest of this phase's requests queued or in flight
                    }
                    inFlight.get(i).get(5, TimeUnit.MINUTES);
                }
                if (victim != null) {
                    victim.start();
                }
            }

            DemoPartnerServer receiving = partners;
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> RECIPIENTS.stream().allMatch(r -> stored(receiving.inbox(r).orElseThrow()).containsAll(accepted)));

            int lost = 0;
            int storedTwice = 0;
            int resent = 0;
            for (String recipient : RECIPIENTS) {
                DemoInbox inbox = partners.inbox(recipient).orElseThrow();
                Set<String> ids = stored(inbox);
                lost += (int) accepted.stream().filter(id -> !ids.contains(id)).count();
                storedTwice += storedMoreThanOnce(inbox);
                resent += inbox.duplicates();
            }
            try (Connection db = postgres.connect()) {
                String[] ids = accepted.toArray(String[]::new);
                assertThat(count(db, "select count(*) from intake_record where message_id = any (?)", ids)).isEqualTo(accepted.size());
                assertThat(count(db, """
                        select count(*) from delivery d join intake_record r using (tracking_id)
                        where r.message_id = any (?) and d.state <> 'DELIVERED'""", ids)).as("copies not delivered").isZero();
                assertThat(count(db, """
                        select count(*) from record_clock c join intake_record r using (tracking_id)
                        where r.message_id = any (?) and c.state = 'STOPPED'""", ids)).as("clocks stopped on delivery")
                        .isEqualTo(accepted.size());
                await().atMost(Duration.ofMinutes(2)).until(() -> count(db, "select count(*) from audit_outbox", new String[0]) == 0
                        && count(db, "select coalesce(max(tree_size), 0) from audit_checkpoint", new String[0])
                        == count(db, "select coalesce(max(seq), 0) from audit_entry", new String[0]));
                assertThat(count(db, """
                        select count(distinct e.tracking_id) from audit_entry e join intake_record r on r.tracking_id::text = e.tracking_id
                        where e.kind = 'RECEIVED' and r.message_id = any (?)""", ids)).isEqualTo(accepted.size());
            }
            String verified = verifyLedgerOffline(nodes.get(0), pki, root.resolve("ledger-export"));

            String report = "node kill: tried " + RECORDS + ", accepted " + accepted.size() + " (" + retried.get()
                    + " sends retried on the other node), kills " + KILLS + ", survived " + (accepted.size() - lost / RECIPIENTS.size())
                    + ", lost " + lost + " copies, duplicated " + storedTwice + " (stored twice by a partner), re-sent " + resent
                    + " (discarded by the partner by message id); ledger: " + verified;
            System.out.println(report);
            Files.writeString(Path.of("target", "reliability-node-kill.txt"), report + System.lineSeparator());

            assertThat(accepted).hasSize(RECORDS);
            assertThat(lost).as("accepted copies lost").isZero();
            assertThat(storedTwice).as("copies stored twice").isZero();
            assertThat(verified).startsWith("OK");
        } finally {
            senders.shutdownNow();
            for (GatewayProcess node : nodes) {
                node.stop();
            }
            broker.stop();
            if (partners != null) {
                partners.stop();
            }
        }
    }

    /** Sends record {@code n} until a node accepts it, trying the other node after any failure. */
    static void send(List<PartnerClient> clients, List<GatewayProcess> nodes, int n, String template,
                             Set<String> accepted, AtomicInteger retried) {
        String messageId = Examples.newMessageId();
        byte[] body = Examples.bytes(Examples.withMessageId(template, messageId));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            int node = (n + attempt) % clients.size();
            if (attempt > 0) {
                retried.incrementAndGet();
                if (!nodes.get(node).isAlive()) {
                    node = (node + 1) % clients.size();
                }
            }
            try {
                HttpResponse<String> response = clients.get(node).processMessage(body);
                if (response.statusCode() / 100 == 2) {
                    accepted.add(messageId);
                    return;
                }
                assertThat(response.statusCode()).as("a refusal other than unavailability: %s", response.body()).isGreaterThanOrEqualTo(500);
            } catch (IOException e) {
                // the node died under the request, or is down: the other one gets it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static Set<String> stored(DemoInbox inbox) {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> files = Files.list(inbox.dir())) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".p7m") || f.endsWith(".json"))
                    .forEach(f -> ids.add(f.substring(0, f.lastIndexOf('.'))));
        } catch (IOException e) {
            return Set.of();
        }
        return ids;
    }

    /** Message ids a partner holds under more than one file of the same kind (it keeps one per id and kind). */
    private static int storedMoreThanOnce(DemoInbox inbox) {
        Map<String, Integer> perId = new ConcurrentHashMap<>();
        try (Stream<Path> files = Files.list(inbox.dir())) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".p7m"))
                    .forEach(f -> perId.merge(f.substring(0, f.indexOf('.')), 1, Integer::sum));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return (int) perId.values().stream().filter(c -> c > 1).count();
    }

    static long count(Connection db, String sql, String[] ids) throws Exception {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            if (sql.contains("?")) {
                statement.setArray(1, db.createArrayOf("text", ids));
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The ledger as IG exports it from a node, checked by the ledger module's offline verifier. */
    static String verifyLedgerOffline(GatewayProcess node, DevPki pki, Path dir) throws Exception {
        Files.createDirectories(dir);
        Properties users = new Properties();
        try (var in = Files.newInputStream(node.dataDir().resolve("pki/ig-users.dev-only.txt"))) {
            users.load(in);
        }
        Map<String, String> auth = Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                ("ig-officer:" + users.getProperty("ig-officer")).getBytes(StandardCharsets.UTF_8)));
        PartnerClient ig = PartnerClient.anonymous(pki.caCertificate(), node.baseUrl());
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
