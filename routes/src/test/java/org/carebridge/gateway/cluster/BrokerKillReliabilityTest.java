package org.carebridge.gateway.cluster;

import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.ArtemisBrokerProcess;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.gateway.support.StandalonePostgres;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
 * An Artemis primary and its replicating backup (docker/broker.xml and docker/broker-backup.xml), two gateway nodes
 * connected to the pair with {@code ha=true}; the primary is killed with SIGKILL halfway through
 * {@code reliability.records} records. The backup takes over, the gateways fail over to it, and every accepted record
 * is still delivered to each recipient and stored there once.
 */
@Tag("reliability")
class BrokerKillReliabilityTest {

    private static final List<String> RECIPIENTS = List.of("cs-norfolk", "health-norfolk", "vs-suffolk");
    private static final int RECORDS = Integer.getInteger("reliability.records", 1000);

    @Test
    void killingTheBrokerPrimaryLosesNoAcceptedRecord() throws Exception {
        Path root = GatewayProcess.createDataDir();
        Path data = Files.createDirectories(root.resolve("gateway"));
        List<ArtemisBrokerProcess> brokers = ArtemisBrokerProcess.pair(root);
        List<GatewayProcess> nodes = new ArrayList<>();
        DemoPartnerServer partners = null;
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try (StandalonePostgres postgres = new StandalonePostgres(root.resolve("postgres"))) {
            brokers.get(0).start();
            brokers.get(1).startBackup();
            List<String> arguments = new ArrayList<>(List.of(postgres.gatewayArguments()));
            arguments.addAll(List.of(
                    "--spring.artemis.broker-url=" + ArtemisBrokerProcess.haUrl(brokers),
                    "--spring.artemis.user=" + ArtemisBrokerProcess.USER,
                    "--spring.artemis.password=" + ArtemisBrokerProcess.PASSWORD,
                    "--carebridge.cluster.lease=6s",
                    "--carebridge.cluster.renew-interval=1s",
                    "--carebridge.audit.checkpoint-interval=5s",
                    "--carebridge.delivery.sweep-after=10s",
                    "--carebridge.delivery.sweep-interval=5s"));
            int partnersPort = GatewayTest.freePort();
            for (int i = 0; i < 2; i++) {
                GatewayProcess node = new GatewayProcess(data, partnersPort, arguments.toArray(String[]::new));
                nodes.add(node);
                node.start();
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

            List<Future<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                int n = i;
                inFlight.add(senders.submit(() -> NodeKillReliabilityTest.send(clients, nodes, n, template, accepted, retried)));
            }
            long killedAt = 0;
            for (int i = 0; i < inFlight.size(); i++) {
                if (i == inFlight.size() / 2) {
                    brokers.get(0).kill();
                    killedAt = System.nanoTime();
                    brokers.get(1).awaitLive(Duration.ofSeconds(120));
                }
                inFlight.get(i).get(5, TimeUnit.MINUTES);
            }
            Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);

            DemoPartnerServer receiving = partners;
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> RECIPIENTS.stream().allMatch(r ->
                            NodeKillReliabilityTest.stored(receiving.inbox(r).orElseThrow()).containsAll(accepted)));
            int lost = 0;
            int resent = 0;
            for (String recipient : RECIPIENTS) {
                DemoInbox inbox = partners.inbox(recipient).orElseThrow();
                Set<String> ids = NodeKillReliabilityTest.stored(inbox);
                lost += (int) accepted.stream().filter(id -> !ids.contains(id)).count();
                resent += inbox.duplicates();
            }
            try (Connection db = postgres.connect()) {
                assertThat(NodeKillReliabilityTest.count(db, """
                        select count(*) from delivery d join intake_record r using (tracking_id)
                        where r.message_id = any (?) and d.state <> 'DELIVERED'""", accepted.toArray(String[]::new)))
                        .as("copies not delivered").isZero();
            }
            String report = "broker kill: tried " + RECORDS + ", accepted " + accepted.size() + " (" + retried.get()
                    + " sends retried), primary killed once, all records sent after " + takeover.toSeconds() + " s, lost " + lost
                    + " copies, re-sent " + resent + " (discarded by the partner by message id)";
            System.out.println(report);
            Files.writeString(Path.of("target", "reliability-broker-kill.txt"), report + System.lineSeparator());

            assertThat(accepted).hasSize(RECORDS);
            assertThat(lost).as("accepted copies lost").isZero();
        } finally {
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
        }
    }
}
