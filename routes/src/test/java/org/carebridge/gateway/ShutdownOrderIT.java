package org.carebridge.gateway;

import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM right after a burst of records, while copies are still being delivered: the gateway stops taking records,
 * lets deliveries in flight finish or go back to their queues, stops Camel and the dispatcher, and stops the embedded
 * broker and database last, so its log has no ERROR line. After a restart every accepted copy is delivered, once.
 */
class ShutdownOrderIT {

    private static final String[] RECIPIENTS = {"cs-norfolk", "health-norfolk", "vs-suffolk"};
    private static final int RECORDS = 40;

    private final GatewayProcess gateway = new GatewayProcess();
    private final Path data = gateway.dataDir();

    @Test
    void sigtermUnderLoadStopsInOrderAndEveryAcceptedCopyIsDeliveredOnceAfterRestart() throws Exception {
        DemoPartnerServer partners = gateway.startPartners();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            gateway.start();
            DevPki pki = new DevPki(data.resolve("pki"));
            PartnerClient sender = PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                    pki.caCertificate(), gateway.baseUrl());
            List<Future<String>> posts = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                posts.add(senders.submit(() -> {
                    String messageId = Examples.newMessageId();
                    HttpResponse<String> answer = sender.processMessage(Examples.bytes(Examples.placementNotification(messageId)));
                    return answer.statusCode() == 202 ? messageId : null;
                }));
            }
            List<String> accepted = new ArrayList<>();
            for (Future<String> post : posts) {
                String messageId = post.get();
                if (messageId != null) {
                    accepted.add(messageId);
                }
            }
            assertThat(accepted).hasSize(RECORDS);
            // some copies are still on their way
            assertThat(delivered(accepted)).isLessThan(RECORDS * RECIPIENTS.length);

            long linesBeforeStop;
            try (Stream<String> lines = Files.lines(data.resolve("gateway-run-1.log"))) {
                linesBeforeStop = lines.count();
            }
            gateway.stop();
            assertThat(gateway.exitValue()).as("a graceful stop, not a kill").isNotEqualTo(137);
            // from the stop on: this gateway runs without the demo servers, so partners whose logins they hold are
            // reported (as errors) at start
            try (Stream<String> lines = Files.lines(data.resolve("gateway-run-1.log")).skip(linesBeforeStop)) {
                assertThat(lines.filter(line -> line.contains(" ERROR ") || line.startsWith("Exception in thread")))
                        .as("log lines at shutdown").isEmpty();
            }

            gateway.start();
            for (String messageId : accepted) {
                for (String recipient : RECIPIENTS) {
                    Path file = partners.inbox(recipient).orElseThrow().dir().resolve(messageId + ".json");
                    await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(file));
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> delivered(accepted) == (long) RECORDS * RECIPIENTS.length);
            for (String recipient : RECIPIENTS) {
                assertThat(partners.inbox(recipient).orElseThrow().files())
                        .filteredOn(f -> f.getFileName().toString().endsWith(".json")).as(recipient).hasSize(RECORDS);
                assertThat(partners.inbox(recipient).orElseThrow().duplicates()).as(recipient + " received a copy twice").isZero();
            }
        } finally {
            senders.shutdownNow();
            gateway.stop();
            partners.stop();
        }
    }

    private long delivered(List<String> messageIds) throws Exception {
        try (Connection db = gateway.database();
             PreparedStatement query = db.prepareStatement("""
                     select count(*) from delivery d join intake_record r using (tracking_id)
                     where r.message_id = any (?) and d.state = 'DELIVERED'""")) {
            query.setArray(1, db.createArrayOf("text", messageIds.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
