package org.carebridge.gateway.audit;

import org.carebridge.ledger.Checkpoint;
import org.carebridge.ledger.VerifierMain;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * The ledger's integrity as information governance checks it: the latest signed checkpoint, and "verify now", which
 * writes the three files the offline verifier reads (the entries as JSON Lines, the checkpoints as a JSON array, the
 * signer's certificate as PEM) exactly as they download, and runs the offline verifier itself over them. What it
 * answers is what anyone holding those files would get from {@code java -jar carebridge-ledger.jar verify}.
 */
@Component
public class LedgerIntegrity {

    public static final String ENTRIES_FILE = "ledger.jsonl";
    public static final String CHECKPOINTS_FILE = "checkpoints.json";
    public static final String CERTIFICATE_FILE = "checkpoint-signer.crt.pem";

    /** The state of the ledger: how many entries, and the newest checkpoint (null before the first). */
    public record Standing(long entries, Checkpoint latest, String signerKeyId) {
    }

    /**
     * @param exitCode the verifier's: 0 good, 1 a fault found, 2 an input it could not read
     * @param output   its output line(s), as the command line prints them
     */
    public record Verification(boolean ok, int exitCode, String output, long entries, int checkpoints, Instant at, Duration took) {
    }

    private final JdbcTemplate jdbc;
    private final LedgerExport export;
    private final CheckpointSigner signer;

    public LedgerIntegrity(JdbcTemplate jdbc, LedgerExport export, CheckpointSigner signer) {
        this.jdbc = jdbc;
        this.export = export;
        this.signer = signer;
    }

    public long entries() {
        return jdbc.queryForObject("select coalesce(max(seq), 0) from audit_entry", Long.class);
    }

    public Standing standing() {
        long entries = entries();
        Optional<Checkpoint> latest = export.checkpoints(entries).stream().max(Comparator.comparingLong(Checkpoint::treeSize));
        return new Standing(entries, latest.orElse(null), Checkpoint.keyIdOf(signer.certificate()));
    }

    /** Entries 1..{@code upTo} as the verifier's {@code --entries} file. */
    public void writeEntries(Writer out, long upTo) {
        if (upTo > 0) {
            export.writeEntries(out, 1, upTo);
        }
    }

    /** The checkpoints up to {@code upTo}, as the verifier's {@code --checkpoints} file (the JSON array). */
    public String checkpointsJson(long upTo) {
        StringJoiner array = new StringJoiner(",", "[", "]");
        export.checkpoints(upTo).forEach(c -> array.add(c.toJson()));
        return array.toString();
    }

    /** The verifier's {@code --cert} file. */
    public String certificatePem() {
        return signer.certificatePem();
    }

    public Verification verifyNow() {
        Instant started = Instant.now();
        long upTo = entries();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("ledger-verify-");
            Path entries = dir.resolve(ENTRIES_FILE);
            try (Writer out = Files.newBufferedWriter(entries, StandardCharsets.UTF_8)) {
                writeEntries(out, upTo);
            }
            Path checkpoints = Files.writeString(dir.resolve(CHECKPOINTS_FILE), checkpointsJson(upTo));
            Path certificate = Files.writeString(dir.resolve(CERTIFICATE_FILE), certificatePem());
            int count = export.checkpoints(upTo).size();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int exit;
            try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
                exit = VerifierMain.run(new String[]{"verify", "--entries", entries.toString(), "--checkpoints", checkpoints.toString(),
                        "--cert", certificate.toString()}, out);
            }
            String output = printed.toString(StandardCharsets.UTF_8).strip().replace(dir.toString() + java.io.File.separator, "");
            return new Verification(exit == 0, exit, output, upTo, count, started, Duration.between(started, Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ledger files for the verifier", e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder of public ledger data: nothing to protect if it stays
        }
    }
}
