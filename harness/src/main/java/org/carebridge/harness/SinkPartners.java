package org.carebridge.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.carebridge.security.crypto.TlsContexts;
import org.carebridge.security.crypto.cms.SealOpener;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The partners' receiving side as its own process: an HTTPS server with mutual TLS (the dev PKI's demo-partner server
 * certificate; clients must chain to the dev CA) that accepts any POST carrying {@code X-CareBridge-Message-Id},
 * answers 200 and records the path, the message id and {@link System#nanoTime()} (CLOCK_MONOTONIC, comparable across
 * processes on one machine). Nothing is decrypted on the hot path; a sample of bodies is kept and opened on request.
 * A plain-HTTP control port on the loopback serves counts, arrivals and the sample check to the harness.
 */
public final class SinkPartners {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SAMPLE_EVERY = 25;
    private static final int SAMPLE_CAP = 40;

    private record Arrival(String partner, String messageId, long nanos) {
    }

    private record Sample(String messageId, String contentType, byte[] body) {
    }

    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    /** Per phase (the message id up to its last '-'): copies, first and last arrival, counted however many arrive. */
    private final Map<String, long[]> phases = new ConcurrentHashMap<>();
    /** Phases whose arrivals are only counted, not kept one by one (a backfill of a million records). */
    private final java.util.Set<String> countOnly = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
    private final Map<String, List<Sample>> samples = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final DevPki pki;

    private SinkPartners(Path pkiDir) {
        this.pki = new DevPki(pkiDir);
    }

    public static void main(String[] args) throws Exception {
        Path pkiDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int controlPort = Integer.parseInt(args[2]);
        new SinkPartners(pkiDir).serve(port, controlPort);
    }

    private void serve(int port, int controlPort) throws Exception {
        List<X509Certificate> ca = Pem.readCertificates(pki.caCertificate());
        SSLContext tls = TlsContexts.mutual(KeyMaterial.load(pki.demoPartnersCertificate(), pki.demoPartnersKey()), ca);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), port), 512);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = TlsContexts.strictParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/", this::receive);
        server.start();

        HttpServer control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), controlPort), 16);
        control.createContext("/count", exchange -> reply(exchange, String.valueOf(count(prefix(exchange)))));
        control.createContext("/count-only", exchange -> {
            countOnly.add(prefix(exchange));
            reply(exchange, "ok");
        });
        control.createContext("/summary", exchange -> reply(exchange, summary(prefix(exchange))));
        control.createContext("/arrivals", exchange -> reply(exchange, arrivals(prefix(exchange))));
        control.createContext("/verify", exchange -> reply(exchange, verify(prefix(exchange))));
        control.start();
        System.out.println("sink partners listening on https://localhost:" + port + ", control on " + controlPort);
    }

    private void receive(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String messageId = exchange.getRequestHeaders().getFirst("X-CareBridge-Message-Id");
        if (!"POST".equals(exchange.getRequestMethod()) || messageId == null || body.length == 0) {
            refused.incrementAndGet();
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
            return;
        }
        String partner = partner(exchange.getRequestURI());
        String phase = messageId.substring(0, messageId.lastIndexOf('-') + 1);
        long[] tally = phases.computeIfAbsent(phase, p -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
        synchronized (tally) {
            tally[0]++;
            tally[1] = Math.min(tally[1], now);
            tally[2] = Math.max(tally[2], now);
        }
        if (!countOnly.contains(phase)) {
            arrivals.add(new Arrival(partner, messageId, now));
        }
        long n = seen.computeIfAbsent(partner, p -> new AtomicLong()).incrementAndGet();
        if (n % SAMPLE_EVERY == 1) {
            // each system under test (the message id's first part) gets its own sample per partner
            String system = messageId.substring(0, Math.max(0, messageId.indexOf('-')));
            List<Sample> kept = samples.computeIfAbsent(system + "/" + partner,
                    p -> java.util.Collections.synchronizedList(new ArrayList<>()));
            if (kept.size() < SAMPLE_CAP) {
                kept.add(new Sample(messageId, exchange.getRequestHeaders().getFirst("Content-Type"), body));
            }
        }
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    /** /partners/cs-norfolk and /fhir/health-norfolk/$process-message both name the partner by their second segment. */
    private static String partner(URI uri) {
        String[] parts = uri.getPath().split("/");
        return parts.length > 2 ? parts[2] : uri.getPath();
    }

    private long count(String prefix) {
        long total = 0;
        for (var phase : phases.entrySet()) {
            if (phase.getKey().startsWith(prefix)) {
                synchronized (phase.getValue()) {
                    total += phase.getValue()[0];
                }
            }
        }
        return total;
    }

    /** {@code copies firstNanos lastNanos} of the phases under the prefix. */
    private String summary(String prefix) {
        long copies = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (var phase : phases.entrySet()) {
            if (phase.getKey().startsWith(prefix)) {
                synchronized (phase.getValue()) {
                    copies += phase.getValue()[0];
                    first = Math.min(first, phase.getValue()[1]);
                    last = Math.max(last, phase.getValue()[2]);
                }
            }
        }
        return copies + " " + first + " " + last;
    }

    private String arrivals(String prefix) {
        StringBuilder out = new StringBuilder();
        for (Arrival a : arrivals) {
            if (a.messageId().startsWith(prefix)) {
                out.append(a.partner()).append(' ').append(a.messageId()).append(' ').append(a.nanos()).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * Opens the sampled copies as their partner would: sealed ones with the partner's own keys (signature by the
     * gateway's signing certificate, chained to the dev CA), plain ones as they are; each must be a FHIR message Bundle.
     */
    private String verify(String prefix) {
        int checked = 0;
        int failed = 0;
        StringBuilder problems = new StringBuilder();
        for (var entry : samples.entrySet()) {
            String partner = entry.getKey().substring(entry.getKey().indexOf('/') + 1);
            List<Sample> kept;
            synchronized (entry.getValue()) {
                kept = List.copyOf(entry.getValue());
            }
            for (Sample sample : kept) {
                if (!sample.messageId().startsWith(prefix)) {
                    continue;
                }
                try {
                    byte[] content = open(partner, sample);
                    JsonNode bundle = JSON.readTree(content);
                    if (!"Bundle".equals(bundle.path("resourceType").asText())
                            || !"MessageHeader".equals(bundle.path("entry").path(0).path("resource").path("resourceType").asText())) {
                        throw new IllegalStateException("not a FHIR message Bundle");
                    }
                    checked++;
                } catch (Exception e) {
                    failed++;
                    problems.append(partner).append(": ").append(e.getClass().getSimpleName()).append(' ')
                            .append(e.getMessage()).append('\n');
                }
            }
        }
        return "checked " + checked + " failed " + failed + "\n" + problems;
    }

    private byte[] open(String partner, Sample sample) throws Exception {
        boolean sealed = sample.contentType() != null && sample.contentType().contains("pkcs7");
        if (!sealed) {
            return sample.body();
        }
        List<KeyMaterial> keys = new ArrayList<>();
        if (Files.exists(pki.partnerEncryptionKey(partner))) {
            keys.add(KeyMaterial.load(pki.partnerEncryptionCertificate(partner), pki.partnerEncryptionKey(partner)));
        }
        keys.add(KeyMaterial.load(pki.partnerCertificate(partner), pki.partnerKey(partner)));
        List<X509Certificate> ca = Pem.readCertificates(pki.caCertificate());
        SealOpener opener = new SealOpener(keys, () -> ca, List::of, Clock.systemUTC());
        return opener.openFromOneOf(sample.body(), Pem.readCertificates(pki.gatewaySigningCertificate())).content();
    }

    private static String prefix(HttpExchange exchange) {
        String query = exchange.getRequestURI().getQuery();
        return query != null && query.startsWith("prefix=") ? query.substring("prefix=".length()) : "";
    }

    private static void reply(HttpExchange exchange, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
