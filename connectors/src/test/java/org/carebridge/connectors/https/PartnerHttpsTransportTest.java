package org.carebridge.connectors.https;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.TlsContexts;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.carebridge.security.partner.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The partner HTTPS transport against a real mutual-TLS server (the JDK's), with the dev PKI's certificates. */
class PartnerHttpsTransportTest {

    private static final int CONSUMERS = 2;

    @TempDir
    Path dir;

    private HttpsServer server;
    private SSLContext gatewayTls;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final Map<String, String> received = new ConcurrentHashMap<>();
    private final Set<String> clientSubjects = ConcurrentHashMap.newKeySet();
    private final CountDownLatch slowAnswer = new CountDownLatch(1);
    private PartnerHttpsTransport transport;

    @BeforeEach
    void partnerServer() throws Exception {
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of());
        var ca = KeyMaterial.load(pki.caCertificate(), pki.caKey()).certificate();
        gatewayTls = TlsContexts.mutual(KeyMaterial.load(pki.gatewayCertificate(), pki.gatewayKey()), List.of(ca));
        SSLContext serverTls = TlsContexts.mutual(KeyMaterial.load(pki.demoPartnersCertificate(), pki.demoPartnersKey()), List.of(ca));
        server = HttpsServer.create(new InetSocketAddress(0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters parameters) {
                var ssl = TlsContexts.strictParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            clientSubjects.add(((HttpsExchange) exchange).getSSLSession().getPeerPrincipal().getName());
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/slow")) {
                try {
                    slowAnswer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String messageId = exchange.getRequestHeaders().getFirst(PartnerHttpsTransport.MESSAGE_ID_HEADER);
            received.put(messageId == null ? path : messageId,
                    exchange.getRequestHeaders().getFirst("Content-Type") + " " + new String(body, StandardCharsets.UTF_8));
            int status = switch (path) {
                case "/refuse" -> 422;
                case "/down" -> 503;
                default -> 200;
            };
            byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        transport = new PartnerHttpsTransport(gatewayTls, Duration.ofSeconds(10), Duration.ofSeconds(20), CONSUMERS);
    }

    @AfterEach
    void stop() {
        slowAnswer.countDown();
        transport.close();
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    @Test
    void postsEveryCopyWithTheGatewayCertificateOverAsManyKeptAliveConnectionsAsTheQueueHasConsumers() throws Exception {
        Partner partner = partner("p1", "https://localhost:" + server.getAddress().getPort() + "/inbox");
        ExecutorService consumers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> posts = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String id = "m-" + i;
                posts.add(consumers.submit(() -> transport.deliver(partner, ("copy " + id).getBytes(StandardCharsets.UTF_8),
                        "application/pkcs7-mime", Map.of(PartnerHttpsTransport.MESSAGE_ID_HEADER, id))));
            }
            for (Future<Integer> post : posts) {
                assertThat(post.get()).isEqualTo(200);
            }
        } finally {
            consumers.shutdownNow();
        }
        assertThat(received).hasSize(80).containsEntry("m-7", "application/pkcs7-mime copy m-7");
        assertThat(clientSubjects).singleElement().asString().contains("CN=carebridge-gateway");
        // eight threads posting, but the partner sees no more connections than the pool allows, each reused
        assertThat(clientPorts).hasSizeBetween(1, CONSUMERS);
        assertThat(transport.openConnections("p1")).isBetween(1, CONSUMERS);
    }

    @Test
    void anAnswerOtherThan2xxIsAFailureCarryingItsStatus() {
        int port = server.getAddress().getPort();
        assertThatThrownBy(() -> transport.deliver(partner("p1", "https://localhost:" + port + "/refuse"), new byte[]{1}, "application/fhir+json", Map.of()))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.status()).as(String.valueOf(f.getCause())).isEqualTo(422))
                .hasMessage("delivery to partner 'p1' failed: partner answered HTTP 422");
        assertThatThrownBy(() -> transport.deliver(partner("p1", "https://localhost:" + port + "/down"), new byte[]{1}, "application/fhir+json", Map.of()))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.status()).isEqualTo(503));
        // the connection that carried the refusals carries the next copy
        assertThat(transport.openConnections("p1")).isEqualTo(1);
    }

    @Test
    void refusesAPartnerServerWhoseCertificateDoesNotNameTheHostItWasReachedAt() {
        // the dev server certificate names localhost and 127.0.0.1, not 127.0.0.2 (the same loopback interface)
        Partner partner = partner("p1", "https://127.0.0.2:" + server.getAddress().getPort() + "/inbox");
        assertThatThrownBy(() -> transport.deliver(partner, new byte[]{1}, "application/fhir+json", Map.of()))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.status()).isZero())
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
        assertThat(received).isEmpty();
    }

    @Test
    void aPartnerThatDoesNotAnswerInTimeIsAFailureWithNoStatus() throws DeliveryFailure {
        int port = server.getAddress().getPort();
        Partner partner = partner("p1", "https://localhost:" + port + "/slow");
        // the handshake completes first (an ordinary copy), then the partner holds the next one's answer
        PartnerHttpsTransport impatient = new PartnerHttpsTransport(gatewayTls, Duration.ofSeconds(10), Duration.ofSeconds(3), 1);
        assertThat(impatient.deliver(partner("p1", "https://localhost:" + port + "/inbox"), new byte[]{1}, "application/fhir+json", Map.of()))
                .isEqualTo(200);
        assertThatThrownBy(() -> impatient.deliver(partner, new byte[]{1}, "application/fhir+json", Map.of()))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.status()).isZero())
                .hasCauseInstanceOf(SocketTimeoutException.class)
                .hasMessage("delivery to partner 'p1' failed: SocketTimeoutException");
        impatient.close();
    }

    private static Partner partner(String id, String url) {
        return new Partner(id, id, AgencyKind.HEALTH, "E10000020", new PartnerEndpoint(URI.create(url), Transport.HTTPS, PartnerEndpoint.FHIR_JSON), null);
    }
}
