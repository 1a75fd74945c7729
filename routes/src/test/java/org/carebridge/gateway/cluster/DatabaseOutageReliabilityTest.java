package org.carebridge.gateway.cluster;

import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.gateway.support.StandalonePostgres;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stopped for {@code reliability.outage} while records keep coming: intake answers 503 with Retry-After and
 * stores nothing half; once the database is back the gateway recovers by itself, the refused records are accepted
 * when sent again, and every accepted record is delivered to each recipient and stored there once.
 */
@Tag("reliability")
class DatabaseOutageReliabilityTest {

    private static final List<String> RECIPIENTS = List.of("cs-norfolk", "health-norfolk", "vs-suffolk");
    private static final int RECORDS = Integer.getInteger("reliability.records", 1000);
    private static final Duration OUTAGE = Duration.parse(System.getProperty("reliability.outage", "PT30S"));

    @Test
    void whileTheDatabaseIsDownIntakeAnswers503AndAfterwardsRecoversByItself() throws Exception {
        Path root = GatewayProcess.createDataDir();
        GatewayProcess gateway;
        DemoPartnerServer partners = null;
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try (StandalonePostgres postgres = new StandalonePostgres(root.resolve("postgres"))) {
            gateway = new GatewayProcess(Files.createDirectories(root.resolve("gateway")),
                    org.carebridge.gateway.support.GatewayTest.freePort(), postgres.gatewayArguments());
            try {
                gateway.start();
                partners = gateway.startPartners();
                for (String recipient : RECIPIENTS) {
                    partners.inbox(recipient).orElseThrow().setOpenOnReceipt(false);
                }
                DevPki pki = new DevPki(gateway.dataDir().resolve("pki"));
                PartnerClient client = PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                        pki.caCertificate(), gateway.baseUrl());
                String template = Examples.placementNotification("template");
                Set<String> accepted = ConcurrentHashMap.newKeySet();
                Set<String> refused = ConcurrentHashMap.newKeySet();
                AtomicInteger unavailable = new AtomicInteger();
                AtomicInteger otherAnswers = new AtomicInteger();
                AtomicInteger tried = new AtomicInteger();

                sendAll(senders, client, template, RECORDS / 2, accepted, tried);

                postgres.stop();
                long outageEnds = System.nanoTime() + OUTAGE.toNanos();
                List<Future<?>> during = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    during.add(senders.submit(() -> {
                        while (System.nanoTime() < outageEnds) {
                            String messageId = Examples.newMessageId();
                            tried.incrementAndGet();
                            try {
                                HttpResponse<String> response = client.processMessage(Examples.bytes(Examples.withMessageId(template, messageId)));
                                if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
                                    unavailable.incrementAndGet();
                                    refused.add(messageId);
                                } else if (response.statusCode() / 100 == 2) {
                                    accepted.add(messageId); // committed just before the stop
                                } else {
                                    otherAnswers.incrementAndGet();
                                    refused.add(messageId);
                                }
                            } catch (IOException e) {
                                otherAnswers.incrementAndGet();
                                refused.add(messageId);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : during) {
                    f.get(5, TimeUnit.MINUTES);
                }
                postgres.start();
                long restartedAt = System.nanoTime();

                // the refused records, sent again with the same message ids, until the gateway takes them
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    for (String messageId : List.copyOf(refused)) {
                        if (client.processMessage(Examples.bytes(Examples.withMessageId(template, messageId))).statusCode() / 100 == 2) {
                            refused.remove(messageId);
                            accepted.add(messageId);
                        } else {
                            return false;
                        }
                    }
                    return true;
                });
                Duration recovered = Duration.ofNanos(System.nanoTime() - restartedAt);
                sendAll(senders, client, template, RECORDS - RECORDS / 2, accepted, tried);

                DemoPartnerServer receiving = partners;
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() -> RECIPIENTS.stream()
                        .allMatch(r -> ReliabilityRun.stored(receiving.inbox(r).orElseThrow()).containsAll(accepted)));
                int lost = 0;
                int resent = 0;
                for (String recipient : RECIPIENTS) {
                    DemoInbox inbox = partners.inbox(recipient).orElseThrow();
                    Set<String> ids = ReliabilityRun.stored(inbox);
                    lost += (int) accepted.stream().filter(id -> !ids.contains(id)).count();
                    resent += inbox.duplicates();
                }
                long halfStored;
                try (Connection db = postgres.connect()) {
                    halfStored = ReliabilityRun.count(db, """
                            select count(*) from intake_record r
                            where r.message_id = any (?)
                              and ((select count(*) from delivery d where d.tracking_id = r.tracking_id) <> 3
                                   or not exists (select 1 from record_clock c where c.tracking_id = r.tracking_id)
                                   or not exists (select 1 from data_key k where k.tracking_id = r.tracking_id))""",
                            accepted.toArray(String[]::new));
                    await().atMost(Duration.ofMinutes(2)).until(() -> ReliabilityRun.count(db, "select count(*) from audit_outbox", new String[0]) == 0
                            && ReliabilityRun.count(db, "select coalesce(max(tree_size), 0) from audit_checkpoint", new String[0])
                            == ReliabilityRun.count(db, "select coalesce(max(seq), 0) from audit_entry", new String[0]));
                }
                String verified = ReliabilityRun.verifyLedgerOffline(gateway, pki, root.resolve("ledger-export"));
                String report = "database outage (" + OUTAGE.toSeconds() + " s): tried " + tried.get() + ", accepted " + accepted.size()
                        + ", answered 503 with Retry-After " + unavailable.get() + ", other answers " + otherAnswers.get()
                        + ", refused records accepted when sent again " + recovered.toSeconds() + " s after the restart"
                        + ", half-stored " + halfStored + ", lost " + lost + " copies, re-sent " + resent + "; ledger: " + verified;
                System.out.println(report);
                Files.writeString(Path.of("target", "reliability-database-outage.txt"), report + System.lineSeparator());

                assertThat(unavailable.get()).as("503s during the outage").isPositive();
                assertThat(otherAnswers.get()).as("answers other than 503 with Retry-After during the outage").isZero();
                assertThat(halfStored).as("records stored without all their parts").isZero();
                assertThat(lost).as("accepted copies lost").isZero();
                assertThat(verified).startsWith("OK");
            } finally {
                gateway.stop();
            }
        } finally {
            senders.shutdownNow();
            if (partners != null) {
                partners.stop();
            }
        }
    }

    private static void sendAll(ExecutorService senders, PartnerClient client, String template, int count, Set<String> accepted,
                                AtomicInteger tried) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(senders.submit(() -> {
                String messageId = Examples.newMessageId();
                tried.incrementAndGet();
                HttpResponse<String> response = client.processMessage(Examples.bytes(Examples.withMessageId(template, messageId)));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                accepted.add(messageId);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
    }
}
