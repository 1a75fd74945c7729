package org.carebridge.gateway.intake;

import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser bombs and slow clients, at their full sizes: each gets a 4xx or a closed connection, nothing is
 * stored, and a normal record is accepted straight after, with 20 slow connections still open.
 */
class ParserBombTest extends GatewayTest {

    private static final long MB = 1024 * 1024;

    @Test
    void bombsAreRefusedAndTheGatewayStaysResponsive() throws Exception {
        long recordsBefore = records();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        Map<String, String> outcomes = new LinkedHashMap<>();
        outcomes.put("100 MB body", post(streamed(100 * MB, "{\"resourceType\": \"Bundle\", \"x\": \"", 'a')));
        outcomes.put("nesting 10,000 deep", post(body("{\"resourceType\": \"Bundle\", \"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}")));
        StringBuilder entries = new StringBuilder("{\"resourceType\": \"Bundle\", \"type\": \"message\", \"entry\": [");
        for (int i = 0; i < 100_000; i++) {
            entries.append(i == 0 ? "" : ",").append("{}");
        }
        outcomes.put("100,000-entry Bundle", post(body(entries.append("]}").toString())));
        outcomes.put("50 MB string", post(streamed(50 * MB, "{\"resourceType\": \"Bundle\", \"id\": \"", 'b')));
        byte[] invalid = Examples.bytes(Examples.placementNotification(Examples.newMessageId()));
        invalid[invalid.length / 2] = (byte) 0xC3;
        invalid[invalid.length / 2 + 1] = (byte) 0x28;
        outcomes.put("invalid UTF-8", post(HttpRequest.BodyPublishers.ofByteArray(invalid)));

        List<SSLSocket> slow = new ArrayList<>();
        SSLContext tls = PartnerClient.tls(PKI.partnerCertificate("cs-norfolk"), PKI.partnerKey("cs-norfolk"), PKI.caCertificate());
        try {
            for (int i = 0; i < 20; i++) {
                SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
                socket.startHandshake();
                // headers begun and never finished
                socket.getOutputStream().write("POST /fhir/$process-message HTTP/1.1\r\nHost: localhost\r\nX-Slow: a"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                slow.add(socket);
            }
            HttpResponse<String> normal = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
            outcomes.put("a normal record beside 20 slow connections", "HTTP " + normal.statusCode());
        } finally {
            for (SSLSocket socket : slow) {
                socket.close();
            }
        }
        long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.printf("parser bombs: %s; peak heap of the whole test JVM %d MB%n", outcomes, peakHeap / MB);

        assertThat(outcomes.get("a normal record beside 20 slow connections")).isEqualTo("HTTP 202");
        outcomes.forEach((what, outcome) -> {
            if (!what.startsWith("a normal record")) {
                assertThat(outcome).as(what).matches("HTTP 4\\d\\d|closed");
            }
        });
        assertThat(records()).isEqualTo(recordsBefore + 1);
    }

    private String post(HttpRequest.BodyPublisher body) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(PartnerClient.tls(PKI.partnerCertificate("cs-suffolk"),
                PKI.partnerKey("cs-suffolk"), PKI.caCertificate())).connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/$process-message"))
                    .header("Content-Type", "application/fhir+json").timeout(Duration.ofSeconds(60)).POST(body).build(),
                    HttpResponse.BodyHandlers.ofString());
            return "HTTP " + response.statusCode();
        } catch (IOException e) {
            return "closed";
        }
    }

    private static HttpRequest.BodyPublisher body(String text) {
        return HttpRequest.BodyPublishers.ofByteArray(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A body of {@code size} bytes made as it is sent, so the test holds none of it. */
    private static HttpRequest.BodyPublisher streamed(long size, String prefix, char fill) {
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            long sent;

            @Override
            public int read() {
                if (sent >= size) {
                    return -1;
                }
                return sent < head.length ? head[(int) sent++] : (sent++ == size - 1 ? '"' : fill);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - sent);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) read();
                }
                return n;
            }
        }), size);
    }
}
