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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The multi-node topology of docker/compose.yaml without Docker (a standalone PostgreSQL, a standalone Artemis broker or
 * primary/backup pair, gateway nodes as separate JVMs over one data directory, the demo partners in this JVM), and the
 * run-and-count loop every reliability test uses: send records from several senders round robin over the live nodes,
 * cause a fault halfway through a burst, wait until every accepted record is at each recipient, count what was lost,
 * stored twice and re-sent.
 */
final class ReliabilityRun implements AutoCloseable {

    static final List<String> RECIPIENTS = List.of("cs-norfolk", "health-norfolk", "vs-suffolk");
    static final String SINGLETONS = "carebridge-singletons";
    /**
     * How long a sender keeps trying one record: longer than a node's start may take (GatewayProcess allows 10 minutes),
     * since with one node every send waits out its restart (206 s seen at load average 74).
     */
    static final Duration SEND_WITHIN = Duration.ofMinutes(11);

    /** A fault caused halfway through a burst, with the rest of its requests queued or in flight. */
    @FunctionalInterface
    interface Fault {
        void cause() throws Exception;
    }

    private final Path root;
    private final StandalonePostgres postgres;
    private final List<ArtemisBrokerProcess> brokers;
    private final List<GatewayProcess> nodes = new ArrayList<>();
    private final List<PartnerClient> clients = new ArrayList<>();
    private final ExecutorService senders;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger retried = new AtomicInteger();
    private final AtomicInteger tried = new AtomicInteger();
    private DemoPartnerServer partners;
    private DevPki pki;
    private String template;

    /**
     * Starts PostgreSQL, the broker (a replicated pair when {@code brokerPair}) and {@code nodeCount} gateway nodes, each
     * with the shared arguments and its own from {@code nodeArguments} (its index in, extra arguments out); node i is
     * named {@code node-i} in the cluster.
     */
    ReliabilityRun(int nodeCount, boolean brokerPair, List<String> sharedArguments, IntFunction<List<String>> nodeArguments,
                   int senderThreads) throws Exception {
        root = GatewayProcess.createDataDir();
        senders = Executors.newFixedThreadPool(senderThreads);
        Path data = Files.createDirectories(root.resolve("gateway"));
        int partnersPort = GatewayTest.freePort();
        // The dev PKI (RSA keys for every partner) is most of a first node start's work: make it while the rest starts.
        CompletableFuture<Void> pkiMade = CompletableFuture.runAsync(() -> new GatewayProcess(data, partnersPort).preparePki(), senders);
        brokers = brokerPair ? ArtemisBrokerProcess.pair(root) : List.of(new ArtemisBrokerProcess(root.resolve("artemis")));
        List<CompletableFuture<Void>> created = brokers.stream().map(b -> CompletableFuture.runAsync(() -> {
            try {
                b.prepare();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, senders)).toList();
        postgres = new StandalonePostgres(root.resolve("postgres"));
        try {
            for (CompletableFuture<Void> instance : created) {
                instance.get(5, TimeUnit.MINUTES);
            }
            brokers.get(0).start();
            if (brokerPair) {
                brokers.get(1).startBackup();
            }
            pkiMade.get(5, TimeUnit.MINUTES);
            for (int i = 0; i < nodeCount; i++) {
                List<String> arguments = new ArrayList<>(List.of(postgres.gatewayArguments()));
                arguments.addAll(List.of(
                        "--spring.artemis.broker-url=" + (brokerPair ? ArtemisBrokerProcess.haUrl(brokers) : brokers.get(0).url()),
                        "--spring.artemis.user=" + ArtemisBrokerProcess.USER,
                        "--spring.artemis.password=" + ArtemisBrokerProcess.PASSWORD,
                        "--carebridge.cluster.node-id=node-" + i));
                arguments.addAll(sharedArguments);
                arguments.addAll(nodeArguments.apply(i));
                GatewayProcess node = new GatewayProcess(data, partnersPort, arguments.toArray(String[]::new));
                nodes.add(node);
                node.start(); // the first makes the dev PKI and migrates the database; the others find both
            }
            partners = nodes.get(0).startPartners();
            for (String recipient : RECIPIENTS) {
                partners.inbox(recipient).orElseThrow().setOpenOnReceipt(false);
            }
            pki = new DevPki(data.resolve("pki"));
            for (GatewayProcess node : nodes) {
                clients.add(PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                        pki.caCertificate(), node.baseUrl()));
            }
            template = Examples.placementNotification("template");
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    List<GatewayProcess> nodes() {
        return nodes;
    }

    GatewayProcess node(int i) {
        return nodes.get(i);
    }

    List<ArtemisBrokerProcess> brokers() {
        return brokers;
    }

    StandalonePostgres postgres() {
        return postgres;
    }

    DemoPartnerServer partners() {
        return partners;
    }

    Set<String> accepted() {
        return accepted;
    }

    int tried() {
        return tried.get();
    }

    int retried() {
        return retried.get();
    }

    /** Sends {@code count} new records, causes {@code fault} (if any) once half of them are answered, waits for the rest. */
    void burst(int count, Fault fault) throws Exception {
        List<Future<?>> inFlight = new ArrayList<>();
        int first = tried.getAndAdd(count);
        for (int i = 0; i < count; i++) {
            int n = first + i;
            inFlight.add(senders.submit(() -> send(n)));
        }
        for (int i = 0; i < inFlight.size(); i++) {
            if (fault != null && i == inFlight.size() / 2) {
                fault.cause();
            }
            inFlight.get(i).get(SEND_WITHIN.toMinutes() + 1, TimeUnit.MINUTES);
        }
    }

    /**
     * Sends record {@code n} until a node accepts it, trying the next live node after any failure (a short pause
     * between tries, so that senders do not spin while every node is down).
     */
    private void send(int n) {
        String messageId = Examples.newMessageId();
        byte[] body = Examples.bytes(Examples.withMessageId(template, messageId));
        AtomicInteger attempt = new AtomicInteger();
        await().atMost(SEND_WITHIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    int tries = attempt.getAndIncrement();
                    if (tries > 0) {
                        retried.incrementAndGet();
                    }
                    int node = (n + tries) % clients.size();
                    for (int i = 0; i < clients.size() && !nodes.get(node).isAlive(); i++) {
                        node = (node + 1) % clients.size();
                    }
                    try {
                        HttpResponse<String> response = clients.get(node).processMessage(body);
                        if (response.statusCode() / 100 == 2) {
                            accepted.add(messageId);
                            return true;
                        }
                        assertThat(response.statusCode()).as("a refusal other than unavailability: %s", response.body())
                                .isGreaterThanOrEqualTo(500);
                        return false;
                    } catch (IOException e) {
                        return false; // the node died under the request, or is down: another one gets it
                    }
                });
    }

    /** Waits until every accepted record is at each recipient. */
    void awaitDelivered(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofSeconds(1))
                .until(() -> RECIPIENTS.stream().allMatch(r -> stored(partners.inbox(r).orElseThrow()).containsAll(accepted)));
    }

    /** How many of the accepted records {@code recipient} holds. */
    int heldBy(String recipient) {
        Set<String> ids = stored(partners.inbox(recipient).orElseThrow());
        return (int) accepted.stream().filter(ids::contains).count();
    }

    /** Accepted copies no recipient holds. */
    int lost() {
        int lost = 0;
        for (String recipient : RECIPIENTS) {
            Set<String> ids = stored(partners.inbox(recipient).orElseThrow());
            lost += (int) accepted.stream().filter(id -> !ids.contains(id)).count();
        }
        return lost;
    }

    /** Message ids a partner holds under more than one file of the same kind (it keeps one per id and kind). */
    int storedTwice() {
        int twice = 0;
        for (String recipient : RECIPIENTS) {
            Map<String, Integer> perId = new ConcurrentHashMap<>();
            try (Stream<Path> files = Files.list(partners.inbox(recipient).orElseThrow().dir())) {
                files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".p7m"))
                        .forEach(f -> perId.merge(f.substring(0, f.indexOf('.')), 1, Integer::sum));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            twice += (int) perId.values().stream().filter(c -> c > 1).count();
        }
        return twice;
    }

    /** Copies sent again (after a kill or a failover) that the partners discarded by message id. */
    int resent() {
        return RECIPIENTS.stream().mapToInt(r -> partners.inbox(r).orElseThrow().duplicates()).sum();
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

    Connection db() throws Exception {
        return postgres.connect();
    }

    /** The node holding the singleton jobs' lease (the database's clock judges it), or null. */
    String leader() throws Exception {
        try (Connection db = db(); PreparedStatement statement = db.prepareStatement(
                "select holder from cluster_lease where namespace = ? and expires_at > now()")) {
            statement.setString(1, SINGLETONS);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    int leaderIndex() throws Exception {
        String leader = leader();
        return leader == null ? -1 : Integer.parseInt(leader.substring("node-".length()));
    }

    /** Checks what the database says of every accepted record: stored once, every copy delivered, its clock stopped. */
    void assertStoredOnceDeliveredAndClocksStopped() throws Exception {
        try (Connection db = db()) {
            String[] ids = accepted.toArray(String[]::new);
            assertThat(count(db, "select count(*) from intake_record where message_id = any (?)", ids)).isEqualTo(accepted.size());
            assertThat(count(db, """
                    select count(*) from delivery d join intake_record r using (tracking_id)
                    where r.message_id = any (?) and d.state <> 'DELIVERED'""", ids)).as("copies not delivered").isZero();
            assertThat(count(db, """
                    select count(*) from record_clock c join intake_record r using (tracking_id)
                    where r.message_id = any (?) and c.state = 'STOPPED'""", ids)).as("clocks stopped on delivery")
                    .isEqualTo(accepted.size());
        }
    }

    /** Waits until the ledger writer has chained every entry and a checkpoint covers them, then checks RECEIVED entries. */
    void awaitLedgerSettled(Duration atMost) throws Exception {
        try (Connection db = db()) {
            await().atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() -> count(db, "select count(*) from audit_outbox", null) == 0
                    && count(db, "select coalesce(max(tree_size), 0) from audit_checkpoint", null)
                    == count(db, "select coalesce(max(seq), 0) from audit_entry", null));
            assertThat(count(db, """
                    select count(distinct e.tracking_id) from audit_entry e join intake_record r on r.tracking_id::text = e.tracking_id
                    where e.kind = 'RECEIVED' and r.message_id = any (?)""", accepted.toArray(String[]::new))).isEqualTo(accepted.size());
        }
    }

    /** Ledger entries, in sequence, whose time is earlier than the entry before them. */
    int ledgerEntriesEarlierThanTheOneBefore() throws Exception {
        int earlier = 0;
        try (Connection db = db(); PreparedStatement statement = db.prepareStatement("select entry_time from audit_entry order by seq");
             ResultSet rs = statement.executeQuery()) {
            java.time.Instant previous = java.time.Instant.EPOCH;
            while (rs.next()) {
                java.time.Instant time = java.time.Instant.parse(rs.getString(1));
                if (time.isBefore(previous)) {
                    earlier++;
                }
                previous = time;
            }
        }
        return earlier;
    }

    /** Records with more than one CLOCK_BREACHED ledger entry (each clock is breached, and its alert sent, once). */
    int clocksBreachedMoreThanOnce() throws Exception {
        try (Connection db = db()) {
            return (int) count(db, """
                    select count(*) from (select tracking_id from audit_entry where kind = 'CLOCK_BREACHED'
                                          group by tracking_id having count(*) > 1) twice""", null);
        }
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

    /** The ledger as IG exports it from {@code node}, checked by the ledger module's offline verifier. */
    String verifyLedgerOffline(GatewayProcess node) throws Exception {
        return verifyLedgerOffline(node, pki, root.resolve("ledger-export-" + System.nanoTime()));
    }

    static String verifyLedgerOffline(GatewayProcess node, DevPki pki, Path dir) throws Exception {
        Files.createDirectories(dir);
        Properties users = new Properties();
        try (var in = Files.newInputStream(node.dataDir().resolve("pki/ig-users.dev-only.txt"))) {
            users.load(in);
        }
        Map<String, String> auth = Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                ("ig-officer:" + users.getProperty("ig-officer")).getBytes(StandardCharsets.UTF_8)));
        PartnerClient ig = PartnerClient.anonymous(pki.caCertificate(), node.baseUrl());
        // Checkpoints before the export (as the README tells an IG officer): a checkpoint made while a long export
        // streams would cover entries the export does not hold, and the verifier rightly calls that a truncated ledger.
        for (String[] download : new String[][]{{"/ig/ledger/checkpoints", "checkpoints.json"}, {"/ig/ledger/export", "ledger.jsonl"},
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
        // returned, not asserted here, so that a test reports its figures before it fails on the ledger
        return exit == 0 ? said : "FAILED (exit " + exit + "): " + said;
    }

    /** Prints a test's figures and writes them to target/reliability-{name}.txt. */
    static void report(String name, String figures) throws IOException {
        System.out.println(name + ": " + figures);
        Files.writeString(Path.of("target", "reliability-" + name + ".txt"), name + ": " + figures + System.lineSeparator());
    }

    /** Stops every process this run started, whatever state each is in. */
    @Override
    public void close() throws Exception {
        senders.shutdownNow();
        for (GatewayProcess node : nodes) {
            node.stop();
        }
        for (ArtemisBrokerProcess broker : brokers) {
            broker.stop();
        }
        if (partners != null) {
            partners.stop();
        }
        postgres.close();
    }
}
