package org.carebridge.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.carebridge.ledger.TestLedger.Signer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, end to end, over files as the gateway exports them. */
class VerifierMainTest {

    @TempDir
    Path dir;

    private final Signer signer = TestLedger.ecSigner();
    private final List<LedgerEntry> ledger = TestLedger.ledger(20);
    private Path entries;
    private Path checkpoints;
    private Path cert;
    private Path kept;
    private String output;

    @BeforeEach
    void export() throws Exception {
        entries = dir.resolve("ledger.jsonl");
        writeEntries(ledger);
        checkpoints = Files.createDirectory(dir.resolve("checkpoints"));
        for (Checkpoint checkpoint : TestLedger.checkpoints(ledger, signer, 8, 16, 20)) {
            Files.writeString(checkpoints.resolve(checkpoint.fileName()), checkpoint.toJson() + "\n");
        }
        Files.writeString(checkpoints.resolve("README.txt"), "not a checkpoint");
        cert = Files.writeString(dir.resolve("signer.crt.pem"), signer.certificatePem());
        kept = Files.copy(checkpoints.resolve("checkpoint-20.json"), dir.resolve("kept-checkpoint.json"));
    }

    private void writeEntries(List<LedgerEntry> export) throws IOException {
        List<String> lines = export.stream().map(LedgerEntry::toExportLine).toList();
        Files.writeString(entries, String.join("\n", lines) + "\n");
    }

    private int verify(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = VerifierMain.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        output = bytes.toString(StandardCharsets.UTF_8);
        return exit;
    }

    private int verifyAll() {
        return verify("verify", "--entries", entries.toString(), "--checkpoints", checkpoints.toString(),
                "--cert", cert.toString(), "--previous", kept.toString());
    }

    @Test
    void aGoodExportPasses() {
        assertThat(verifyAll()).isZero();
        assertThat(output).isEqualTo("OK: 20 entries, chain intact, 4 checkpoints verified" + System.lineSeparator());

        assertThat(verify("verify", "--entries", entries.toString())).isZero();
        assertThat(output).startsWith("OK: 20 entries, chain intact, 0 checkpoints verified");
    }

    @Test
    void theCheckpointsArrayAsTheGatewayServesItIsReadDirectly() throws IOException {
        List<String> served = new ArrayList<>();
        for (Checkpoint checkpoint : TestLedger.checkpoints(ledger, signer, 8, 16, 20)) {
            served.add(checkpoint.toJson());
        }
        Path array = Files.writeString(dir.resolve("checkpoints.json"), "[" + String.join(",", served) + "]");
        assertThat(verify("verify", "--entries", entries.toString(), "--checkpoints", array.toString(), "--cert", cert.toString()))
                .as(output).isZero();
        assertThat(output).startsWith("OK: 20 entries, chain intact, 3 checkpoints verified");

        Files.writeString(array, "[" + String.join(",\n ", served).replace("\"treeSize\":16", "\"treeSize\":15") + "]\n");
        assertThat(verify("verify", "--entries", entries.toString(), "--checkpoints", array.toString(), "--cert", cert.toString()))
                .isEqualTo(1);
        assertThat(output).startsWith("FAIL: checkpoint 15");

        Files.writeString(array, "{\"treeSize\":8}");
        assertThat(verify("verify", "--entries", entries.toString(), "--checkpoints", array.toString())).isEqualTo(1);
        assertThat(output).startsWith("FAIL: checkpoints.json is not a JSON array of checkpoints");
    }

    @Test
    void anEditedLineFailsNamingTheEntry() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(entries));
        lines.set(6, lines.get(6).replace("\"outcome\":\"SHARED\"", "\"outcome\":\"REFUSED\""));
        Files.write(entries, lines);

        assertThat(verifyAll()).isEqualTo(1);
        assertThat(output).isEqualTo("FAIL: entry 7: hash does not match its contents" + System.lineSeparator());
    }

    @Test
    void aTruncatedExportFailsAgainstTheKeptCheckpoint() throws IOException {
        writeEntries(ledger.subList(0, 17));
        Files.delete(checkpoints.resolve("checkpoint-20.json"));

        assertThat(verifyAll()).isEqualTo(1);
        assertThat(output).startsWith(
                "FAIL: entry 18: missing: the ledger ends at 17 but an earlier checkpoint covers 20 entries");
    }

    @Test
    void aTamperedCheckpointFileFails() throws IOException {
        Path file = checkpoints.resolve("checkpoint-16.json");
        Files.writeString(file, Files.readString(file).replace("\"time\":\"2026", "\"time\":\"2025"));

        assertThat(verifyAll()).isEqualTo(1);
        assertThat(output).startsWith("FAIL: checkpoint 16: signature does not verify");

        Files.writeString(file, "{\"treeSize\":16");
        assertThat(verifyAll()).isEqualTo(1);
        assertThat(output).startsWith("FAIL: checkpoint file checkpoint-16.json: unreadable: ");
    }

    @Test
    void anUnreadableLineFailsNamingTheEntryItHeld() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(entries));
        lines.set(4, lines.get(4).substring(0, 50));
        Files.write(entries, lines);

        assertThat(verifyAll()).isEqualTo(1);
        assertThat(output).startsWith("FAIL: entry 5: unreadable line 5: ");

        lines.set(2, lines.get(2).replace("trk-3", "trk-33"));
        Files.write(entries, lines);
        assertThat(verifyAll()).isEqualTo(1);
        assertThat(output).startsWith("FAIL: entry 3: hash does not match its contents");
    }

    @Test
    void bytesThatAreNotUtf8FailTheirEntry() throws IOException {
        byte[] bytes = Files.readAllBytes(entries);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int at = text.indexOf("trk-9\"");
        bytes[at] = (byte) 0xff;
        Files.write(entries, bytes);

        assertThat(verifyAll()).isEqualTo(1);
        assertThat(output).startsWith("FAIL: entry 9: hash does not match its contents");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(verify()).isEqualTo(2);
        assertThat(output).contains("usage: java -jar carebridge-ledger.jar verify --entries");
        assertThat(verify("check", "--entries", entries.toString())).isEqualTo(2);
        assertThat(verify("verify")).isEqualTo(2);
        assertThat(output).startsWith("ERROR: --entries is required");
        assertThat(verify("verify", "--entries")).isEqualTo(2);
        assertThat(verify("verify", "--entries", entries.toString(), "--key", "x")).isEqualTo(2);
        assertThat(verify("verify", "--entries", dir.resolve("absent.jsonl").toString())).isEqualTo(2);
        assertThat(verify("verify", "--entries", entries.toString(), "--cert", entries.toString())).isEqualTo(2);
        assertThat(output).startsWith("ERROR: cannot read the input");
    }
}
