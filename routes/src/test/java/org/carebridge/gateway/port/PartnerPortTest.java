package org.carebridge.gateway.port;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.fhir.FailureOutcomes;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.Pem;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The partner port answers every refusal in FHIR, including Tomcat's own, and keeps one partner from starving the rest. */
class PartnerPortTest extends GatewayTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @Autowired
    PartnerRequestLimits limits;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void captureLog() {
        log.start();
        root().addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        root().detachAppender(log);
    }

    @Test
    void tomcatsOwnRefusalsAreOperationOutcomes() throws Exception {
        assertOutcome(exchange("GET /fhir/..%2f..%2fetc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
        assertOutcome(exchange("GET /fhir/../../etc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
        assertOutcome(exchange("GET /fhir/Consent?q=" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
        assertOutcome(exchange("GET /fhir/Consent HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(100_000)
                + "\r\nConnection: close\r\n\r\n"), 400);
        StringBuilder many = new StringBuilder("GET /fhir/Consent HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 300; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertOutcome(exchange(many.append("Connection: close\r\n\r\n").toString()), 400);
    }

    @Test
    void aRefusedHandshakeIsLoggedWithTheCertificateSubjectAndSerialAndCounted() throws Exception {
        DevPki otherPki = new DevPki(Files.createTempDirectory(DATA_DIR, "other-ca-"));
        otherPki.ensure(List.of("cs-suffolk"));
        X509Certificate impostor = Pem.readCertificates(otherPki.partnerCertificate("cs-suffolk")).get(0);
        double before = refusedHandshakes();

        assertThatThrownBy(() -> {
            try (SSLSocket socket = (SSLSocket) PartnerClient.tls(otherPki.partnerCertificate("cs-suffolk"), otherPki.partnerKey("cs-suffolk"),
                    PKI.caCertificate()).getSocketFactory().createSocket("localhost", port)) {
                socket.startHandshake();
                // TLS 1.3: the server's refusal of the client certificate arrives on the first read
                socket.getOutputStream().write("GET /fhir/Consent HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                socket.setSoTimeout(30_000);
                if (socket.getInputStream().read() == -1) {
                    throw new IOException("closed");
                }
            }
        }).isInstanceOf(IOException.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> log.list.stream().anyMatch(e -> e.getLevel() == Level.INFO
                && e.getFormattedMessage().startsWith("TLS handshake refused")
                && e.getFormattedMessage().contains(impostor.getSubjectX500Principal().getName())
                && e.getFormattedMessage().contains(impostor.getSerialNumber().toString(16))));
        assertThat(refusedHandshakes()).isGreaterThan(before);
    }

    private double refusedHandshakes() {
        return meters.find("carebridge.tls.handshakes.refused").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void springsRefusalsAreOperationOutcomes() throws Exception {
        assertOutcome(exchange("GET /nothing-here HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 404);
        assertOutcome(exchange("DELETE /fhir/$process-message HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 405);
    }

    @Test
    void aClientThatHangsUpMidBodyIsNotAnError() throws Exception {
        java.net.Socket tcp = new java.net.Socket("localhost", port);
        SSLSocket socket = (SSLSocket) PartnerClient.tls(PKI.partnerCertificate("cs-suffolk"), PKI.partnerKey("cs-suffolk"),
                PKI.caCertificate()).getSocketFactory().createSocket(tcp, "localhost", port, true);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /fhir/$process-message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\n"
                + "Content-Length: 5000\r\n\r\n{\"resourceType\": \"Bundle\",").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // intake is reading the body when the client goes without a goodbye: a TCP reset, no TLS close_notify
        await().atMost(Duration.ofSeconds(30)).until(() -> limits.inProgress("cs-suffolk") == 1);
        tcp.setSoLinger(true, 0);
        tcp.close();

        await().atMost(Duration.ofSeconds(30)).until(() -> log.list.stream().anyMatch(e ->
                e.getLoggerName().equals(FailureOutcomes.class.getName()) && e.getFormattedMessage().contains("closed the connection")));
        assertThat(log.list).noneMatch(e -> e.getLevel() == Level.ERROR);
    }

    @Test
    void onePartnerCannotHoldEveryRequestThreadWithSlowBodies() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        List<SSLSocket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                SSLSocket socket = socket("cs-suffolk");
                slow.add(socket);
                socket.getOutputStream().write(("POST /fhir/$process-message HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/fhir+json\r\nContent-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            // a byte every 200 ms on each: steady enough for any per-read timeout, far too slow to finish
            trickle.scheduleAtFixedRate(() -> slow.forEach(s -> {
                try {
                    s.getOutputStream().write(' ');
                    s.getOutputStream().flush();
                } catch (IOException closed) {
                    // the gateway gave up on it, as it should
                }
            }), 200, 200, TimeUnit.MILLISECONDS);

            PartnerClient suffolk = as("cs-suffolk");
            byte[] message = Examples.bytes(Examples.placementNotification(Examples.newMessageId()));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var refused = suffolk.processMessage(message);
                assertThat(refused.statusCode()).isEqualTo(429);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue(String.valueOf(PartnerRequestLimits.RETRY_AFTER_SECONDS));
                assertThat(json(refused.body()).path("issue").get(0).path("code").asText()).isEqualTo("throttled");
            });
            // another partner is not held up by it
            assertThat(as("cs-norfolk").processMessage(message).statusCode()).isEqualTo(403);

            // the body read timeout (5 s here) ends each slow request with a 408, however steadily it trickles
            for (SSLSocket socket : slow) {
                socket.setSoTimeout(30_000);
                String response = readResponse(socket.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 408").contains("application/fhir+json").contains("\"timeout\"");
            }
            // and closes the connection rather than reading the rest of the trickle to keep it alive
            for (SSLSocket socket : slow) {
                socket.setSoTimeout(10_000);
                assertThat(endOfStream(socket)).isTrue();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> suffolk.processMessage(
                    Examples.bytes(Examples.placementNotification(Examples.newMessageId()))).statusCode() == 202);
        } finally {
            trickle.shutdownNow();
            for (SSLSocket socket : slow) {
                socket.close();
            }
        }
    }

    private static boolean endOfStream(SSLSocket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String exchange(String request) throws Exception {
        try (SSLSocket socket = socket("cs-suffolk")) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // Tomcat may answer and close before it has read all of an oversized request
            }
            return readResponse(socket.getInputStream());
        }
    }

    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                response.write(buffer, 0, n);
                String text = response.toString(StandardCharsets.UTF_8);
                int headersEnd = text.indexOf("\r\n\r\n");
                if (headersEnd > 0 && complete(text, headersEnd)) {
                    break;
                }
            }
        } catch (IOException e) {
            // closed after the response: what arrived is the answer
        }
        return response.toString(StandardCharsets.UTF_8);
    }

    private static boolean complete(String text, int headersEnd) {
        var length = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(text.substring(0, headersEnd));
        return length.find() && text.length() - headersEnd - 4 >= Integer.parseInt(length.group(1));
    }

    private static void assertOutcome(String response, int status) {
        assertThat(response).startsWith("HTTP/1.1 " + status);
        int headersEnd = response.indexOf("\r\n\r\n");
        assertThat(response.substring(0, headersEnd).toLowerCase()).contains("content-type: application/fhir+json");
        String body = response.substring(headersEnd + 4);
        if (response.substring(0, headersEnd).toLowerCase().contains("transfer-encoding: chunked")) {
            body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("}") + 1);
        }
        JsonNode outcome = json(body);
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").get(0).path("severity").asText()).isEqualTo("error");
    }

    private SSLSocket socket(String partnerId) throws Exception {
        SSLSocket socket = (SSLSocket) PartnerClient.tls(PKI.partnerCertificate(partnerId), PKI.partnerKey(partnerId), PKI.caCertificate())
                .getSocketFactory().createSocket("localhost", port);
        socket.startHandshake();
        return socket;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
