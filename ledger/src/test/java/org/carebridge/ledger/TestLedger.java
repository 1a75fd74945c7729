package org.carebridge.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/** Builds sealed test ledgers, checkpoints and signing keys (made with the JDK's keytool, as an operator would). */
final class TestLedger {

    static final Instant START = Instant.parse("2026-11-22T12:00:00.123456Z");

    record Signer(PrivateKey key, X509Certificate certificate) {

        String certificatePem() throws GeneralSecurityException {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        }
    }

    private static final Map<String, Signer> SIGNERS = new ConcurrentHashMap<>();

    private TestLedger() {
    }

    /** The gateway's signer: EC P-256 with a self-signed certificate. */
    static Signer ecSigner() {
        return SIGNERS.computeIfAbsent("ec", name -> generate("-keyalg", "EC", "-groupname", "secp256r1"));
    }

    /** Some other EC P-256 key. */
    static Signer otherEcSigner() {
        return SIGNERS.computeIfAbsent("other", name -> generate("-keyalg", "EC", "-groupname", "secp256r1"));
    }

    static Signer rsaSigner() {
        return SIGNERS.computeIfAbsent("rsa", name -> generate("-keyalg", "RSA", "-keysize", "2048"));
    }

    private static Signer generate(String... keyOptions) {
        try {
            Path dir = Files.createTempDirectory("ledger-signer");
            Path store = dir.resolve("signer.p12");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                    "-alias", "ledger", "-dname", "CN=CareBridge ledger test", "-validity", "30",
                    "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "changeit", "-keypass", "changeit"));
            command.addAll(Arrays.asList(keyOptions));
            Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, "changeit".toCharArray());
            }
            Signer signer = new Signer((PrivateKey) keyStore.getKey("ledger", "changeit".toCharArray()),
                    (X509Certificate) keyStore.getCertificate("ledger"));
            Files.delete(store);
            Files.delete(dir);
            return signer;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The unsealed fields of entry {@code seq}: a mix of kinds, nulls, escapes and subject keys. */
    static LedgerEntry fields(long seq) {
        boolean decision = seq % 2 == 1;
        return new LedgerEntry(seq, START.plusSeconds(seq).toString(), decision ? "DECISION" : "DELIVERY",
                "cs-suffolk", decision ? "SENDER" : null, "trk-" + seq, "placement-notification",
                decision ? 3 : null, decision ? "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18" : null,
                "cs-norfolk", "SHARED", seq == 3 ? "quoted \"reason\"\nwith a line break" : null,
                seq % 5 == 0 ? List.of() : List.of(LedgerHashes.hex(LedgerHashes.sha256(new byte[] {(byte) seq}))));
    }

    /** A sealed ledger of entries 1..n. */
    static List<LedgerEntry> ledger(int n) {
        return reseal(IntStream.rangeClosed(1, n).mapToObj(TestLedger::fields).toList(), 0);
    }

    /** The entries with every hash from index {@code from} on recomputed: a consistent rewrite. */
    static List<LedgerEntry> reseal(List<LedgerEntry> entries, int from) {
        List<LedgerEntry> sealed = new ArrayList<>(entries.subList(0, from));
        String prevHash = from == 0 ? LedgerHashes.GENESIS : entries.get(from - 1).hash();
        for (LedgerEntry entry : entries.subList(from, entries.size())) {
            LedgerEntry next = LedgerEntry.seal(entry, prevHash);
            sealed.add(next);
            prevHash = next.hash();
        }
        return sealed;
    }

    static Checkpoint checkpoint(List<LedgerEntry> entries, int treeSize, Signer signer) {
        List<byte[]> leaves = entries.subList(0, treeSize).stream().map(LedgerEntry::leafHash).toList();
        return Checkpoint.sign(leaves, entries.get(treeSize - 1).hash(),
                START.plusSeconds(3600 + treeSize).toString(), signer.key(), signer.certificate());
    }

    static List<Checkpoint> checkpoints(List<LedgerEntry> entries, Signer signer, int... treeSizes) {
        return Arrays.stream(treeSizes).mapToObj(size -> checkpoint(entries, size, signer)).toList();
    }

    /** Entry {@code seq} as read back from its export line after a text edit (the hash left as it was). */
    static LedgerEntry editedLine(LedgerEntry entry, String from, String to) {
        String line = entry.toExportLine();
        if (!line.contains(from)) {
            throw new IllegalArgumentException(line + " has no " + from);
        }
        return LedgerEntry.fromExportLine(line.replace(from, to));
    }
}
