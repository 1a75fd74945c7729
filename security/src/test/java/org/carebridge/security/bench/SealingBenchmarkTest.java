package org.carebridge.security.bench;

import org.carebridge.security.crypto.CpuPerOperation;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.PrimitiveFloor;
import org.carebridge.security.crypto.cms.DisclosureSeal;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sealing cost per record, for 1 and 3 recipients, for each signing and key-protection choice, side by side with the
 * floor the hardware allows: the same primitive operations per copy (sign, AES-256-GCM, RSA-OAEP wrap or ECDH + KDF +
 * AES key wrap) with no CMS encoding, keys prepared once and the JDK's AES-GCM. Costs are CPU time of the measuring
 * thread per operation (so other load on the machine inflates them less than wall-clock time would). Run:
 * {@code ./mvnw -pl security -am -Pbench verify} ({@code -Dbench.signing=ECDSA-P256 -Dbench.protection=RSA-OAEP} to run
 * one configuration). Prints a table (also written to security/target/bench/sealing.md); never asserts a time.
 */
@Tag("bench")
class SealingBenchmarkTest {

    private static final Duration WARMUP = Duration.ofMillis(Long.getLong("bench.warmup-ms", 1500));
    private static final Duration ROUND = Duration.ofMillis(Long.getLong("bench.round-ms", 800));
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final String SIGNING = System.getProperty("bench.signing", "");
    private static final String PROTECTION = System.getProperty("bench.protection", "");

    @TempDir
    Path dir;

    @Test
    void sealingCostPerRecord() throws Exception {
        DevPki pki = new DevPki(dir.resolve("pki"));
        pki.ensure(List.of("r1", "r2", "r3"));
        byte[] content = Files.readAllBytes(Path.of("..", "config", "examples", "placement-notification.json"));

        List<String[]> rows = new ArrayList<>();
        // every code path warmed before anything is measured, so the first configuration is not charged for JIT compilation
        for (boolean measure : new boolean[]{false, true}) {
        rows.clear();
        for (String signing : List.of("ECDSA-P256", "Ed25519", "RSA-2048")) {
            if (!SIGNING.isEmpty() && !SIGNING.equals(signing)) {
                continue;
            }
            KeyMaterial signer = signer(pki, signing);
            PrimitiveFloor floor = new PrimitiveFloor(signer);
            for (String protection : List.of("RSA-OAEP", "ECDH-P256")) {
                if (!PROTECTION.isEmpty() && !PROTECTION.equals(protection)) {
                    continue;
                }
                List<X509Certificate> recipients = recipients(pki, protection);
                List<PublicKey> recipientKeys = recipients.stream().map(r -> floor.recipientKey(r.getPublicKey())).toList();
                for (int count : new int[]{1, 3}) {
                    List<X509Certificate> to = recipients.subList(0, count);
                    List<PublicKey> toKeys = recipientKeys.subList(0, count);
                    DisclosureSeal seal = new DisclosureSeal(signer, Clock.systemUTC());
                    if (!measure) {
                        CpuPerOperation.over(() -> to.forEach(r -> seal.seal(content, r)), WARMUP);
                        CpuPerOperation.over(() -> toKeys.forEach(r -> floor.seal(content, r)), WARMUP);
                        continue;
                    }
                    double cms = perOpMicros(() -> {
                        for (X509Certificate recipient : to) {
                            seal.seal(content, recipient);
                        }
                    });
                    double raw = perOpMicros(() -> toKeys.forEach(r -> floor.seal(content, r)));
                    // the floor as if one signature served the whole record: 1 sign, then a GCM and a key transport per copy
                    double oneSignature = perOpMicros(() -> {
                        byte[] signed = floor.sign(content);
                        toKeys.forEach(r -> floor.envelope(content, signed, r));
                    });
                    rows.add(new String[]{signing, protection, String.valueOf(count), fmt(cms), fmt(raw),
                            String.format(Locale.ROOT, "%.2f", cms / raw), fmt(oneSignature), String.format(Locale.ROOT, "%.2f", cms / oneSignature)});
                }
            }
        }
        }
        StringBuilder table = new StringBuilder("\nSealing cost per record (" + content.length + "-byte copy; CPU microseconds, median of "
                + ROUNDS + " rounds; " + Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("java.version")
                + String.format(Locale.ROOT, "; load average %.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()) + ")\n");
        table.append("| signing | key protection | recipients | CareBridge CMS seal (us) | primitive floor, a signature per copy (us) | multiple |"
                + " floor, one signature per record (us) | multiple |\n|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> table.append("| ").append(String.join(" | ", r)).append(" |\n"));
        System.out.println(table);
        Path report = Path.of("target", "bench", "sealing.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, table.toString());
        assertThat(rows).isNotEmpty();
    }

    private static KeyMaterial signer(DevPki pki, String algorithm) throws Exception {
        if (algorithm.equals("ECDSA-P256")) {
            return KeyMaterial.load(pki.gatewaySigningCertificate(), pki.gatewaySigningKey());
        }
        KeyPair pair;
        if (algorithm.equals("Ed25519")) {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } else {
            pair = DevPki.rsaKeyPair();
        }
        Path dir = pki.caCertificate().getParent();
        Path cert = dir.resolve("bench-" + algorithm + ".crt.pem");
        Path key = dir.resolve("bench-" + algorithm + ".key.pem");
        pki.issue("bench-" + algorithm, DevPki.Use.SIGNING, pair, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), cert, key);
        return KeyMaterial.load(cert, key);
    }

    private static List<X509Certificate> recipients(DevPki pki, String protection) {
        List<X509Certificate> certs = new ArrayList<>();
        for (String id : List.of("r1", "r2", "r3")) {
            Path file = protection.equals("RSA-OAEP") ? pki.partnerEncryptionCertificate(id) : pki.partnerCertificate(id);
            certs.add(KeyMaterial.load(file, protection.equals("RSA-OAEP") ? pki.partnerEncryptionKey(id) : pki.partnerKey(id)).certificate());
        }
        return certs;
    }

    private static double perOpMicros(CpuPerOperation.Operation operation) throws Exception {
        return CpuPerOperation.median(operation, WARMUP, ROUND, ROUNDS);
    }

    private static String fmt(double micros) {
        return String.format(Locale.ROOT, "%.0f", micros);
    }
}
