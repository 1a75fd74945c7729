package org.carebridge.gateway.cluster;

import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.ArtemisBrokerProcess;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.gateway.support.SmallFilesystem;
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
import java.util.Collection;
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
 * stored twice and re-sent. The counting (lost, half-stored, amcheck, the ledger verified offline) and the sending of
 * records once each while something is wrong ({@link Refusals}) serve the single-gateway tests too.
 */
public final class ReliabilityRun implements AutoCloseable {

    public static final List<String> RECIPIENTS = List.of("cs-norfolk", "health-norfolk", "vs-suffolk");
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
    private final SmallFilesystem postgresFilesystem;
    private final String noSmallFilesystem;
    private final List<ArtemisBrokerProcess> brokers;
    private final List<GatewayProcess> nodes = new ArrayList<>();
    private final List<PartnerClient> clients = new ArrayList<>();
    private final ExecutorService senders;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger retried = new AtomicInteger();
    private final AtomicInteger tried = new AtomicInteger();
    /** Per accepted message id: when it was first sent and when it was accepted (nanoTime), for order checks. */
    private final Map<String, long[]> sendTimes = new ConcurrentHashMap<>();
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
        this(nodeCount, brokerPair, sharedArguments, nodeArguments, senderThreads, null);
    }

    /**
     * As above; with {@code postgresFilesystemSize} (mount's size option: 256m), PostgreSQL's data directory is on a
     * {@link SmallFilesystem} of that size where the machine allows one ({@link #smallFilesystemUnavailable()} says
     * why not), for a test to fill.
     */
    ReliabilityRun(int nodeCount, boolean brokerPair, List<String> sharedArguments, IntFunction<List<String>> nodeArguments,
                   int senderThreads, String postgresFilesystemSize) throws Exception {
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
        String unavailable = postgresFilesystemSize == null ? "not asked for"
                : SmallFilesystem.unavailable(root.resolve("probe")).orElse(null);
        noSmallFilesystem = unavailable;
        postgresFilesystem = unavailable == null ? SmallFilesystem.mount(root.resolve("volume"), postgresFilesystemSize) : null;
        // on the small filesystem, WAL is kept short so that what the run writes fits beside the tables
        postgres = postgresFilesystem == null ? new StandalonePostgres(root.resolve("postgres"))
                : new StandalonePostgres(postgresFilesystem.path().resolve("postgres"), Map.of("max_wal_size", "64MB", "min_wal_size", "48MB"));
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

    /** The small filesystem PostgreSQL's data directory is on, as seen from here, or null. */
    SmallFilesystem postgresFilesystem() {
        return postgresFilesystem;
    }

    /** Why PostgreSQL is not on a small filesystem, or null when it is. */
    String smallFilesystemUnavailable() {
        return noSmallFilesystem;
    }

    /** The example placement notification every burst sends, each with a new message id. */
    String template() {
        return template;
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

    Map<String, long[]> sendTimes() {
        return sendTimes;
    }

    /** Sends {@code count} new records, causes {@code fault} (if any) once half of them are answered, waits for the rest. */
    void burst(int count, Fault fault) throws Exception {
        burst(template, count, fault);
    }

    /** As {@link #burst(int, Fault)}, each record made from {@code message} with a new message id. */
    void burst(String message, int count, Fault fault) throws Exception {
        List<Future<?>> inFlight = new ArrayList<>();
        int first = tried.getAndAdd(count);
        for (int i = 0; i < count; i++) {
            int n = first + i;
            inFlight.add(senders.submit(() -> send(message, n)));
        }
        for (int i = 0; i < inFlight.size(); i++) {
            if (fault != null && i == inFlight.size() / 2) {
                fault.cause();
            }
            inFlight.get(i).get(SEND_WITHIN.toMinutes() + 1, TimeUnit.MINUTES);
        }
    }

    /**
     * Sends {@code records} in {@code kills} + 1 bursts; in each burst but the last, {@code halfway} of its index is
     * caused halfway through, and {@code afterwards} (if any) once the burst is answered.
     */
    void burstsWithKills(int records, int kills, IntFunction<Fault> halfway, IntFunction<Fault> afterwards) throws Exception {
        int perBurst = Math.max(1, records / (kills + 1));
        int sent = 0;
        for (int i = 0; i <= kills && sent < records; i++) {
            int count = i == kills ? records - sent : Math.min(perBurst, records - sent);
            sent += count;
            boolean killed = i < kills;
            burst(count, killed ? halfway.apply(i) : null);
            if (killed && afterwards != null) {
                afterwards.apply(i).cause();
            }
        }
    }

    /** What the end of a run found: accepted copies lost, stored twice and re-sent, and the ledger's verification. */
    record Outcome(int lost, int storedTwice, int resent, String ledger) {
        int survived(int accepted) {
            return accepted - lost / RECIPIENTS.size();
        }
    }

    /**
     * Waits until every accepted record is at each recipient, checks what the database says of them, waits for the
     * ledger to settle and verifies it offline as exported from {@code exportFrom}.
     */
    Outcome settle(Duration deliveredWithin, GatewayProcess exportFrom) throws Exception {
        awaitDelivered(deliveredWithin);
        assertStoredOnceDeliveredAndClocksStopped();
        awaitLedgerSettled(Duration.ofMinutes(2));
        return new Outcome(lost(), storedTwice(), resent(), verifyLedgerOffline(exportFrom));
    }

    /**
     * Sends new records, each once, to the live nodes round robin from {@code threads} senders for as long as
     * {@code goOn} holds, and sorts the answers ({@link Refusals}).
     */
    Refusals sendOnceEach(int threads, java.util.function.BooleanSupplier goOn) throws Exception {
        Refusals refusals = new Refusals(template);
        refusals.sendNewWhile(senders, threads, () -> liveClient(tried.getAndIncrement()), accepted, goOn);
        return refusals;
    }

    /** Sends the refused records again, each to the next live node, until every one is taken; how long that took. */
    Duration resend(Refusals refusals, Duration atMost) {
        AtomicInteger next = new AtomicInteger();
        return refusals.resendUntilTaken(() -> liveClient(next.getAndIncrement()), accepted, atMost);
    }

    private PartnerClient liveClient(int n) {
        int node = Math.floorMod(n, clients.size());
        for (int i = 0; i < clients.size() && !nodes.get(node).isAlive(); i++) {
            node = (node + 1) % clients.size();
        }
        return clients.get(node);
    }

    /**
     * Records sent once each while the gateway could not take them (its database stopped, its disk full), sorted by
     * answer: 202 is accepted (it still went in), 503 with Retry-After and no stack trace is a clean refusal, and
     * anything else (another status, a cut connection) is an answer the test counts against the gateway.
     */
    public static final class Refusals {

        private final String template;
        private final Set<String> refused = ConcurrentHashMap.newKeySet();
        private final Set<String> acceptedHere = ConcurrentHashMap.newKeySet();
        private final List<String> otherAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger tried = new AtomicInteger();
        private final AtomicInteger unavailable = new AtomicInteger();

        public Refusals(String template) {
            this.template = template;
        }

        /** Sends one new record once through {@code client}; if it is taken, adds its message id to {@code accepted}. */
        public void sendNew(PartnerClient client, Set<String> accepted) throws Exception {
            String messageId = Examples.newMessageId();
            tried.incrementAndGet();
            try {
                HttpResponse<String> response = client.processMessage(Examples.bytes(Examples.withMessageId(template, messageId)));
                if (response.statusCode() == 202) {
                    accepted.add(messageId);
                    acceptedHere.add(messageId);
                } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()
                        && !response.body().contains("Exception") && !response.body().contains("\tat ")) {
                    unavailable.incrementAndGet();
                    refused.add(messageId);
                } else {
                    otherAnswers.add(response.statusCode() + " " + response.body());
                    refused.add(messageId);
                }
            } catch (IOException e) {
                otherAnswers.add(e.getClass().getSimpleName());
                refused.add(messageId);
            }
        }

        /**
         * Sends new records, each once, from {@code threads} of {@code senders} for as long as {@code goOn} holds, each
         * through the client {@code clients} gives at that moment; returns when every sender has stopped.
         */
        public void sendNewWhile(ExecutorService senders, int threads, java.util.function.Supplier<PartnerClient> clients,
                                 Set<String> accepted, java.util.function.BooleanSupplier goOn) throws Exception {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(senders.submit(() -> {
                    while (goOn.getAsBoolean()) {
                        sendNew(clients.get(), accepted);
                    }
                    return null;
                }));
            }
            for (Future<?> sender : running) {
                sender.get(1, TimeUnit.HOURS); // a bound against a hung sender, not a timing: a counted burst may be long
            }
        }

        /** A {@code goOn} for {@link #sendNewWhile} that holds {@code count} times in all, across the senders. */
        public static java.util.function.BooleanSupplier times(int count) {
            AtomicInteger left = new AtomicInteger(count);
            return () -> left.getAndDecrement() > 0;
        }

        /**
         * Sends the refused records again with the same message ids until each is taken (the sender's part: a refusal
         * is to be sent again), adding them to {@code accepted}; how long that took.
         */
        public Duration resendUntilTaken(java.util.function.Supplier<PartnerClient> clients, Set<String> accepted, Duration atMost) {
            long from = System.nanoTime();
            Set<String> waiting = ConcurrentHashMap.newKeySet();
            waiting.addAll(refused);
            await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                for (String messageId : List.copyOf(waiting)) {
                    if (clients.get().processMessage(Examples.bytes(Examples.withMessageId(template, messageId))).statusCode() != 202) {
                        return false;
                    }
                    waiting.remove(messageId);
                    accepted.add(messageId);
                }
                return true;
            });
            return Duration.ofNanos(System.nanoTime() - from);
        }

        public int tried() {
            return tried.get();
        }

        /** Answered 503 with Retry-After, cleanly. */
        public int unavailable() {
            return unavailable.get();
        }

        public Set<String> refused() {
            return refused;
        }

        /** Taken although sent while something was wrong. */
        public Set<String> accepted() {
            return acceptedHere;
        }

        public List<String> otherAnswers() {
            return List.copyOf(otherAnswers);
        }
    }

    /**
     * Sends record {@code n} until a node accepts it, trying the next live node after any failure (a short pause
     * between tries, so that senders do not spin while every node is down).
     */
    private void send(String message, int n) {
        String messageId = Examples.newMessageId();
        byte[] body = Examples.bytes(Examples.withMessageId(message, messageId));
        AtomicInteger attempt = new AtomicInteger();
        long sentAt = System.nanoTime();
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
                            sendTimes.put(messageId, new long[]{sentAt, System.nanoTime()});
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
        awaitDelivered(partners, accepted, atMost);
    }

    /** How many of the accepted records {@code recipient} holds. */
    int heldBy(String recipient) {
        Set<String> ids = stored(partners.inbox(recipient).orElseThrow());
        return (int) accepted.stream().filter(ids::contains).count();
    }

    /** Accepted copies no recipient holds. */
    int lost() {
        return lost(partners, accepted);
    }

    /** Copies of {@code accepted} records that one of the {@link #RECIPIENTS} does not hold. */
    public static int lost(DemoPartnerServer partners, Collection<String> accepted) {
        int lost = 0;
        for (String recipient : RECIPIENTS) {
            Set<String> ids = stored(partners.inbox(recipient).orElseThrow());
            lost += (int) accepted.stream().filter(id -> !ids.contains(id)).count();
        }
        return lost;
    }

    /** Waits until every one of {@code accepted} is at each of the {@link #RECIPIENTS}. */
    public static void awaitDelivered(DemoPartnerServer partners, Collection<String> accepted, Duration atMost) {
        await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                .until(() -> RECIPIENTS.stream().allMatch(r -> stored(partners.inbox(r).orElseThrow()).containsAll(accepted)));
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

    public static Set<String> stored(DemoInbox inbox) {
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

    /**
     * Checks what the database says of every accepted record: stored once, every copy delivered, its clock stopped. A
     * copy a partner already holds may still wait to be marked: a node killed between the partner's answer and its
     * commit leaves it to the broker to hand the copy on again (the partner discards it by message id), so the
     * database is given two minutes to say so.
     */
    void assertStoredOnceDeliveredAndClocksStopped() throws Exception {
        try (Connection db = db()) {
            String[] ids = accepted.toArray(String[]::new);
            assertThat(count(db, "select count(*) from intake_record where message_id = any (?)", ids)).isEqualTo(accepted.size());
            String notDelivered = """
                    select count(*) from delivery d join intake_record r using (tracking_id)
                    where r.message_id = any (?) and d.state <> 'DELIVERED'""";
            await().atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(count(db, notDelivered, ids)).as("copies not delivered").isZero());
            assertThat(count(db, """
                    select count(*) from record_clock c join intake_record r using (tracking_id)
                    where r.message_id = any (?) and c.state = 'STOPPED'""", ids)).as("clocks stopped on delivery")
                    .isEqualTo(accepted.size());
        }
    }

    /** Waits until the ledger writer has chained every entry and a checkpoint covers them, then checks RECEIVED entries. */
    void awaitLedgerSettled(Duration atMost) throws Exception {
        try (Connection db = db()) {
            awaitLedgerSettled(db, atMost);
            assertThat(count(db, """
                    select count(distinct e.tracking_id) from audit_entry e join intake_record r on r.tracking_id::text = e.tracking_id
                    where e.kind = 'RECEIVED' and r.message_id = any (?)""", accepted.toArray(String[]::new))).isEqualTo(accepted.size());
        }
    }

    /** Waits until the ledger writer has chained every entry and a checkpoint covers them. */
    public static void awaitLedgerSettled(Connection db, Duration atMost) {
        await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).until(() -> count(db, "select count(*) from audit_outbox", null) == 0
                && count(db, "select coalesce(max(tree_size), 0) from audit_checkpoint", null)
                == count(db, "select coalesce(max(seq), 0) from audit_entry", null));
    }

    /**
     * Of {@code messageIds}, the records not stored, or stored without all their parts (a copy for each of the three
     * recipients, a clock, a data key).
     */
    public static long halfStored(Connection db, Collection<String> messageIds) throws Exception {
        String[] ids = messageIds.toArray(String[]::new);
        return count(db, """
                select count(*) from intake_record r
                where r.message_id = any (?)
                  and ((select count(*) from delivery d where d.tracking_id = r.tracking_id) <> 3
                       or not exists (select 1 from record_clock c where c.tracking_id = r.tracking_id)
                       or not exists (select 1 from data_key k where k.tracking_id = r.tracking_id))""", ids)
                + ids.length - count(db, "select count(*) from intake_record where message_id = any (?)", ids);
    }

    /** Of {@code messageIds}, those stored at all. */
    public static long storedOf(Connection db, Collection<String> messageIds) throws Exception {
        return count(db, "select count(*) from intake_record where message_id = any (?)", messageIds.toArray(String[]::new));
    }

    /** PostgreSQL's own check of every table's B-tree indexes against their heaps (amcheck). */
    public static String amcheck(Connection db) throws Exception {
        int checked = 0;
        try (java.sql.Statement sql = db.createStatement()) {
            sql.execute("create extension if not exists amcheck");
            List<String> names = new ArrayList<>();
            try (ResultSet indexes = sql.executeQuery("""
                    select c.oid::regclass::text from pg_index i join pg_class c on c.oid = i.indexrelid
                    join pg_am a on a.oid = c.relam join pg_namespace n on n.oid = c.relnamespace
                    where a.amname = 'btree' and n.nspname = 'public' and c.relpersistence = 'p'""")) {
                while (indexes.next()) {
                    names.add(indexes.getString(1));
                }
            }
            for (String index : names) {
                try (PreparedStatement check = db.prepareStatement("select bt_index_check(?::regclass, true)")) {
                    check.setString(1, index);
                    check.execute();
                    checked++;
                }
            }
        }
        return "amcheck OK: " + checked + " indexes and their heaps";
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

    public static long count(Connection db, String sql, String[] ids) throws Exception {
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

    public static String verifyLedgerOffline(GatewayProcess node, DevPki pki, Path dir) throws Exception {
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
    public static void report(String name, String figures) throws IOException {
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
        if (postgresFilesystem != null) {
            postgresFilesystem.close();
        }
    }
}
