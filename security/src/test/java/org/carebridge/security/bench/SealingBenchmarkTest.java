package org.carebridge.security.bench;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.cms.DisclosureSeal;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sealing cost per record, for 1 and 3 recipients, for each signing and key-protection choice, side by side with a raw
 * JCA/Bouncy Castle baseline doing the same primitive operations (sign, AES-256-GCM, RSA-OAEP wrap or ECDH + KDF +
 * AES key wrap) without CMS encoding. Run: {@code ./mvnw -pl security -am -Pbench verify}. Prints a table (also written
 * to security/target/bench/sealing.md); never asserts a time.
 */
@Tag("bench")
class SealingBenchmarkTest {

    private static final Duration WARMUP = Duration.ofMillis(Long.getLong("bench.warmup-ms", 1500));
    private static final Duration ROUND = Duration.ofMillis(Long.getLong("bench.round-ms", 800));
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

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
            KeyMaterial signer = signer(pki, signing);
            for (String protection : List.of("RSA-OAEP", "ECDH-P256")) {
                List<X509Certificate> recipients = recipients(pki, protection);
                for (int count : new int[]{1, 3}) {
                    List<X509Certificate> to = recipients.subList(0, count);
                    DisclosureSeal seal = new DisclosureSeal(signer, Clock.systemUTC());
                    if (!measure) {
                        runFor(() -> to.forEach(r -> seal.seal(content, r)), WARMUP);
                        runFor(() -> {
                            for (X509Certificate recipient : to) {
                                rawSeal(content, signer, recipient.getPublicKey());
                            }
                        }, WARMUP);
                        continue;
                    }
                    double cms = perOpMicros(() -> {
                        for (X509Certificate recipient : to) {
                            seal.seal(content, recipient);
                        }
                    });
                    double raw = perOpMicros(() -> {
                        for (X509Certificate recipient : to) {
                            rawSeal(content, signer, recipient.getPublicKey());
                        }
                    });
                    rows.add(new String[]{signing, protection, String.valueOf(count), fmt(cms), fmt(raw), String.format(Locale.ROOT, "%.2f", cms / raw)});
                }
            }
        }
        }
        StringBuilder table = new StringBuilder("\nSealing cost per record (" + content.length + "-byte copy; microseconds, median of "
                + ROUNDS + " rounds; " + Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("java.version") + ")\n");
        table.append("| signing | key protection | recipients | CareBridge CMS seal (us) | raw JCA/BC primitives (us) | ratio |\n|---|---|---|---|---|---|\n");
        rows.forEach(r -> table.append("| ").append(String.join(" | ", r)).append(" |\n"));
        System.out.println(table);
        Path report = Path.of("target", "bench", "sealing.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, table.toString());
        assertThat(rows).hasSize(12);
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

    /** The same primitives a seal performs, with no CMS structure around them. */
    private static void rawSeal(byte[] content, KeyMaterial signer, PublicKey recipient) throws Exception {
        String algorithm = switch (signer.privateKey().getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
        Signature signature = Signature.getInstance(algorithm, BC);
        signature.initSign(signer.privateKey());
        signature.update(MessageDigest.getInstance("SHA-256").digest(content));
        byte[] signed = signature.sign();

        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        SecretKey cek = generator.generateKey();
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding", BC);
        gcm.init(Cipher.ENCRYPT_MODE, cek, new GCMParameterSpec(128, nonce));
        gcm.update(content);
        gcm.doFinal(signed);

        if (recipient instanceof ECPublicKey ec) {
            KeyPairGenerator ephemeral = KeyPairGenerator.getInstance("EC", BC);
            ephemeral.initialize(ec.getParams());
            KeyPair pair = ephemeral.generateKeyPair();
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH", BC);
            agreement.init(pair.getPrivate());
            agreement.doPhase(recipient, true);
            byte[] kek = MessageDigest.getInstance("SHA-256").digest(agreement.generateSecret());
            Cipher wrap = Cipher.getInstance("AESWrap", BC);
            wrap.init(Cipher.WRAP_MODE, new SecretKeySpec(Arrays.copyOf(kek, 32), "AES"));
            wrap.wrap(cek);
        } else {
            Cipher oaep = Cipher.getInstance("RSA/NONE/OAEPPadding", BC);
            oaep.init(Cipher.WRAP_MODE, recipient, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            oaep.wrap(cek);
        }
    }

    interface Operation {
        void run() throws Exception;
    }

    private static double perOpMicros(Operation operation) throws Exception {
        runFor(operation, WARMUP);
        double[] rounds = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            rounds[i] = runFor(operation, ROUND);
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }

    /** Microseconds per operation over a time-boxed run. */
    private static double runFor(Operation operation, Duration length) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        long start = System.nanoTime();
        long count = 0;
        while (System.nanoTime() < end) {
            operation.run();
            count++;
        }
        return (System.nanoTime() - start) / 1000.0 / count;
    }

    private static String fmt(double micros) {
        return String.format(Locale.ROOT, "%.0f", micros);
    }
}
