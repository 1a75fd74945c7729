package org.carebridge.gateway.cluster;

import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.gateway.support.StandalonePostgres;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stopped for {@code reliability.outage} while records keep coming: intake answers 503 with Retry-After and
 * stores nothing half; once the database is back the gateway recovers by itself, the refused records are accepted
 * when sent again, and every accepted record is delivered to each recipient and stored there once.
 */
@Tag("reliability")
class DatabaseOutageReliabilityTest {

    private static final List<String> RECIPIENTS = ReliabilityRun.RECIPIENTS;
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

                ReliabilityRun.Refusals before = new ReliabilityRun.Refusals(template);
                before.sendNewWhile(senders, 4, () -> client, accepted, ReliabilityRun.Refusals.times(RECORDS / 2));
                assertThat(before.refused()).as("records refused before the outage: %s", before.otherAnswers()).isEmpty();

                postgres.stop();
                long outageEnds = System.nanoTime() + OUTAGE.toNanos();
                ReliabilityRun.Refusals outage = new ReliabilityRun.Refusals(template);
                outage.sendNewWhile(senders, 4, () -> client, accepted, () -> System.nanoTime() < outageEnds);
                postgres.start();

                // the refused records, sent again with the same message ids, until the gateway takes them
                Duration recovered = outage.resendUntilTaken(() -> client, accepted, Duration.ofMinutes(3));
                ReliabilityRun.Refusals after = new ReliabilityRun.Refusals(template);
                after.sendNewWhile(senders, 4, () -> client, accepted, ReliabilityRun.Refusals.times(RECORDS - RECORDS / 2));
                assertThat(after.refused()).as("records refused after the outage: %s", after.otherAnswers()).isEmpty();

                DemoPartnerServer receiving = partners;
                ReliabilityRun.awaitDelivered(receiving, accepted, Duration.ofMinutes(10));
                int lost = ReliabilityRun.lost(receiving, accepted);
                int resent = RECIPIENTS.stream().mapToInt(r -> receiving.inbox(r).orElseThrow().duplicates()).sum();
                long halfStored;
                try (Connection db = postgres.connect()) {
                    halfStored = ReliabilityRun.halfStored(db, accepted);
                    ReliabilityRun.awaitLedgerSettled(db, Duration.ofMinutes(2));
                }
                String verified = ReliabilityRun.verifyLedgerOffline(gateway, pki, root.resolve("ledger-export"));
                ReliabilityRun.report("database-outage", "database outage (" + OUTAGE.toSeconds() + " s): tried "
                        + (before.tried() + outage.tried() + after.tried()) + ", accepted " + accepted.size()
                        + ", answered 503 with Retry-After " + outage.unavailable() + ", other answers " + outage.otherAnswers().size()
                        + ", refused records accepted when sent again " + recovered.toSeconds() + " s after the restart"
                        + ", half-stored " + halfStored + ", lost " + lost + " copies, re-sent " + resent + "; ledger: " + verified);

                assertThat(outage.unavailable()).as("503s during the outage").isPositive();
                assertThat(outage.otherAnswers()).as("answers other than 503 with Retry-After during the outage").isEmpty();
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
}
