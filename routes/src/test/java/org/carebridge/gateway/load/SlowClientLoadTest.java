package org.carebridge.gateway.load;

import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Slow-body starvation: S connections from one partner (cs-norfolk) each send a body at a byte every two seconds
 * while another partner (cs-suffolk) posts normal records, and the normal requests' latency is printed. Not part of
 * the normal build:
 * {@code ./mvnw -pl routes -am -Pload verify -Dtest=SlowClientLoadTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dslow.clients=220 -Dslow.protection=on}
 * ({@code off} sets no per-partner limit, no body read timeout and Tomcat's own 60 s connection timeout, as before them).
 */
@Tag("load")
class SlowClientLoadTest extends GatewayTest {

    private static final boolean PROTECTED = !"off".equals(System.getProperty("slow.protection", "on"));

    static {
        System.setProperty(BODY_READ_TIMEOUT, PROTECTED ? "20s" : "1h");
    }

    @DynamicPropertySource
    static void protection(DynamicPropertyRegistry registry) {
        registry.add("carebridge.intake.partner-concurrency", () -> PROTECTED ? "16" : "0");
        registry.add("server.tomcat.connection-timeout", () -> PROTECTED ? "10s" : "60s");
    }

    @Test
    void normalRequestsWhileOnePartnerSendsSlowBodies() throws Exception {
        int slowClients = Integer.getInteger("slow.clients", 220);
        int normalRequests = Integer.getInteger("slow.requests", 5);
        SSLContext norfolk = PartnerClient.tls(PKI.partnerCertificate("cs-norfolk"), PKI.partnerKey("cs-norfolk"), PKI.caCertificate());
        SSLContext suffolk = PartnerClient.tls(PKI.partnerCertificate("cs-suffolk"), PKI.partnerKey("cs-suffolk"), PKI.caCertificate());
        HttpClient normal = HttpClient.newBuilder().sslContext(suffolk).connectTimeout(Duration.ofSeconds(30)).build();
        String template = Examples.placementNotification("slow-template");
        normal.send(request(template, "slow-warm-" + System.nanoTime()), HttpResponse.BodyHandlers.ofString());

        List<Socket> slow = new CopyOnWriteArrayList<>();
        int refusedAtOnce = 0;
        ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
        // trickling starts with the first connection, so that none waits longer than two seconds for its next byte
        trickle.scheduleAtFixedRate(() -> slow.forEach(s -> {
            try {
                s.getOutputStream().write(' ');
                s.getOutputStream().flush();
            } catch (IOException closed) {
                // refused or timed out by the gateway
            }
        }), 2, 2, TimeUnit.SECONDS);
        for (int i = 0; i < slowClients; i++) {
            Socket socket = norfolk.getSocketFactory().createSocket("localhost", port);
            // once every request thread is held, the gateway cannot even complete a new handshake
            socket.setSoTimeout(5_000);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /fhir/$process-message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\n"
                        + "Content-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(socket);
            } catch (IOException e) {
                refusedAtOnce++;
                socket.close();
            }
        }

        long[] latencyMillis = new long[normalRequests];
        int accepted = 0;
        int timedOut = 0;
        try {
            for (int i = 0; i < normalRequests; i++) {
                long t0 = System.nanoTime();
                try {
                    int status = normal.send(request(template, "slow-" + System.nanoTime() + "-" + i), HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                    accepted += status == 202 ? 1 : 0;
                } catch (HttpTimeoutException e) {
                    timedOut++;
                }
                latencyMillis[i] = (System.nanoTime() - t0) / 1_000_000;
            }
        } finally {
            trickle.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
        long[] sorted = latencyMillis.clone();
        Arrays.sort(sorted);
        String report = String.format(Locale.ROOT,
                "slow-body starvation: protection %s, %d slow clients (1 byte / 2 s; %d could not even connect), %d normal requests: "
                        + "%d accepted, %d timed out (30 s), latency p50 %d ms, max %d ms%n",
                PROTECTED ? "on" : "off", slowClients, refusedAtOnce, normalRequests, accepted, timedOut, sorted[sorted.length / 2], sorted[sorted.length - 1]);
        System.out.print(report);
        Files.writeString(Path.of("target", "slow-client-report.txt"), report);
    }

    private URI uri() {
        return URI.create(baseUrl() + "/fhir/$process-message");
    }

    private HttpRequest request(String template, String messageId) {
        return HttpRequest.newBuilder(uri()).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(Examples.withMessageId(template, messageId))).build();
    }
}
