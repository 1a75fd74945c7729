package org.carebridge.harness;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.carebridge.security.crypto.TlsContexts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Posts placement notifications over mutual TLS as one demo partner (its dev client certificate), each with a fresh
 * Bundle.id {@code <prefix><n>} (also sent as {@code X-CareBridge-Message-Id}, which the plain baseline passes on).
 * <ul>
 *   <li>{@code open}: a fixed arrival rate. Request n is due at start + n / rate; its 202 latency is measured from
 *   that due time, not from when it was actually sent, so a stalled server is charged for the requests it held back
 *   (coordinated omission corrected). At most {@code connections} requests are in flight (the gateway's per-partner
 *   limit); a request waiting for a free connection is still timed from its due time.</li>
 *   <li>{@code closed}: {@code connections} senders, each posting as soon as its last answer came; the maximum rate.</li>
 * </ul>
 * Several senders may be given, comma-separated, each with its own template (the same count): record n is posted by
 * sender n mod k with its template. An optional last argument names a start file: once its connections are open the
 * generator writes {@code <out>.ready} and waits for the start file, which holds the {@link System#nanoTime()} to
 * start at, so that two generators' loads overlap exactly.
 * Writes {@code out}: a summary (key=value) then one line per accepted record: {@code n acceptedNanos}.
 */
public final class LoadGenerator {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path pkiDir = Path.of(args[1]);
        String[] partners = args[2].split(",");
        String[] templates = args[3].split(",");
        String prefix = args[4];
        String mode = args[5];
        double rate = Double.parseDouble(args[6]);
        int records = Integer.parseInt(args[7]);
        double seconds = Double.parseDouble(args[8]);
        int connections = Integer.parseInt(args[9]);
        Path out = Path.of(args[10]);
        Path startFile = args.length > 11 ? Path.of(args[11]) : null;
        if (partners.length != templates.length) {
            throw new IllegalArgumentException("one template per sender: " + args[2] + " / " + args[3]);
        }

        DevPki pki = new DevPki(pkiDir);
        var executor = Executors.newFixedThreadPool(4);
        HttpClient[] clients = new HttpClient[partners.length];
        String[] bodies = new String[partners.length];
        for (int i = 0; i < partners.length; i++) {
            clients[i] = HttpClient.newBuilder()
                    .sslContext(TlsContexts.mutual(KeyMaterial.load(pki.partnerCertificate(partners[i]), pki.partnerKey(partners[i])),
                            Pem.readCertificates(pki.caCertificate())))
                    .sslParameters(TlsContexts.strictParameters())
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(executor)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            bodies[i] = Files.readString(Path.of(templates[i]));
        }
        int kinds = partners.length;
        int total = "open".equals(mode) ? (int) Math.round(rate * seconds) : records;
        long deadline = "closed".equals(mode) && records <= 0 ? (long) (seconds * 1e9) : Long.MAX_VALUE;
        if (total <= 0) {
            total = Integer.MAX_VALUE;
        }
        Histogram accept = new ConcurrentHistogram(Duration.ofMinutes(10).toNanos() / 1000, 3);
        AtomicLongArray acceptedAt = new AtomicLongArray(Math.min(total, 2_000_000));
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        java.util.Map<String, AtomicInteger> answers = new java.util.concurrent.ConcurrentHashMap<>();
        // this process is new: open its connections and warm its own TLS and HTTP code first, untimed, under ids the
        // harness does not count, so that the phase does not charge the load generator's start to the server
        String preflight = prefix.substring(0, prefix.length() - 1) + "pre-";
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (int c = 0; c < connections * kinds; c++) {
            opening.add(clients[c % kinds].sendAsync(request(url, bodies[c % kinds], preflight + c), HttpResponse.BodyHandlers.discarding()));
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        if (startFile != null) {
            Files.writeString(Path.of(out + ".ready"), "ready");
            while (!Files.exists(startFile)) {
                LockSupport.parkNanos(10_000_000);
            }
            long startAt = Long.parseLong(Files.readString(startFile).trim());
            long pause;
            while ((pause = startAt - System.nanoTime()) > 0) {
                LockSupport.parkNanos(pause);
            }
        }
        long start = System.nanoTime();

        if ("open".equals(mode)) {
            Semaphore inFlight = new Semaphore(connections);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            double interval = 1e9 / rate;
            for (int n = 0; n < total; n++) {
                long due = start + (long) (n * interval);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                inFlight.acquire();
                int seq = n;
                sent.incrementAndGet();
                pending.add(clients[seq % kinds].sendAsync(request(url, bodies[seq % kinds], prefix + seq), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, failure) -> {
                            long now = System.nanoTime();
                            inFlight.release();
                            accept.recordValue(Math.max(0, now - due) / 1000);
                            answers.computeIfAbsent(failure == null ? String.valueOf(response.statusCode())
                                    : failure.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
                            if (failure == null && response.statusCode() == 202) {
                                acceptedAt.set(seq, now);
                                accepted.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        }));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        } else {
            AtomicInteger next = new AtomicInteger();
            int limit = total;
            List<Thread> senders = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                Thread sender = new Thread(() -> {
                    int seq;
                    while ((seq = next.getAndIncrement()) < limit && System.nanoTime() - start < deadline) {
                        long t0 = System.nanoTime();
                        sent.incrementAndGet();
                        try {
                            int status = clients[seq % kinds].send(request(url, bodies[seq % kinds], prefix + seq),
                                    HttpResponse.BodyHandlers.discarding()).statusCode();
                            long now = System.nanoTime();
                            accept.recordValue((now - t0) / 1000);
                            answers.computeIfAbsent(String.valueOf(status), k -> new AtomicInteger()).incrementAndGet();
                            if (status == 202) {
                                acceptedAt.set(seq, now);
                                accepted.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        } catch (Exception e) {
                            answers.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
                            refused.incrementAndGet();
                        }
                    }
                }, "sender-" + c);
                sender.start();
                senders.add(sender);
            }
            for (Thread sender : senders) {
                sender.join();
            }
        }
        long end = System.nanoTime();
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT,
                "mode=%s%nsent=%d%naccepted=%d%nrefused=%d%nstart=%d%nend=%d%naccept.p50=%d%naccept.p99=%d%naccept.p999=%d%naccept.max=%d%n",
                mode, sent.get(), accepted.get(), refused.get(), start, end,
                accept.getValueAtPercentile(50), accept.getValueAtPercentile(99), accept.getValueAtPercentile(99.9), accept.getMaxValue()));
        report.append("answers=").append(new java.util.TreeMap<>(answers)).append('\n');
        report.append("records\n");
        for (int i = 0; i < Math.min(sent.get(), acceptedAt.length()); i++) {
            long at = acceptedAt.get(i);
            if (at != 0) {
                report.append(i).append(' ').append(at).append('\n');
            }
        }
        Files.writeString(out, report.toString());
        System.out.printf(Locale.ROOT, "%s: sent %d, accepted %d, refused %d in %.1f s; answers %s%n", mode, sent.get(),
                accepted.get(), refused.get(), (end - start) / 1e9, new java.util.TreeMap<>(answers));
        System.exit(0);
    }

    private static HttpRequest request(String url, String template, String messageId) {
        // Bundle.id is the first "id" in the example
        String body = template.replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"", "\"id\": \"" + messageId + "\"");
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/fhir+json")
                .header("X-CareBridge-Message-Id", messageId)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }
}
