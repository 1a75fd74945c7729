package org.carebridge.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.carebridge.ledger.LedgerVerifier.Result;
import org.carebridge.ledger.TestLedger.Signer;
import org.junit.jupiter.api.Test;

class LedgerVerifierTest {

    private final Signer signer = TestLedger.ecSigner();
    private final List<LedgerEntry> ledger = TestLedger.ledger(20);
    private final List<Checkpoint> checkpoints = TestLedger.checkpoints(ledger, signer, 8, 16, 20);

    private Result verify(List<LedgerEntry> entries) {
        return verify(entries, checkpoints, null);
    }

    private Result verify(List<LedgerEntry> entries, List<Checkpoint> signed, Checkpoint previous) {
        return LedgerVerifier.verify(entries, signed, signer.certificate(), previous);
    }

    private static List<LedgerEntry> with(List<LedgerEntry> entries, int index, LedgerEntry replacement) {
        List<LedgerEntry> changed = new ArrayList<>(entries);
        changed.set(index, replacement);
        return changed;
    }

    @Test
    void aCleanLedgerIsOk() {
        Result result = verify(ledger, checkpoints, checkpoints.get(1));

        assertThat(result).isEqualTo(new Result(true, 0, "20 entries, chain intact, 4 checkpoints verified"));
        assertThat(verify(ledger)).isEqualTo(new Result(true, 0, "20 entries, chain intact, 3 checkpoints verified"));
        assertThat(LedgerVerifier.verify(List.of(), List.of(), null, null).message())
                .isEqualTo("0 entries, chain intact, 0 checkpoints verified");
    }

    @Test
    void withoutACertificateItSaysTheSignaturesWereNotChecked() {
        assertThat(LedgerVerifier.verify(ledger, checkpoints, null, null).message())
                .isEqualTo("20 entries, chain intact, 3 checkpoints verified"
                        + " (signatures not checked: no certificate given)");
    }

    @Test
    void anEditedEntryNoLongerMatchesItsHash() {
        LedgerEntry edited = TestLedger.editedLine(ledger.get(6), "\"outcome\":\"SHARED\"", "\"outcome\":\"REFUSED\"");

        Result result = verify(with(ledger, 6, edited));

        assertThat(result).isEqualTo(new Result(false, 7, "entry 7: hash does not match its contents"));
    }

    @Test
    void anEntryDeletedInTheMiddleIsMissing() {
        List<LedgerEntry> gap = new ArrayList<>(ledger);
        gap.remove(9);

        assertThat(verify(gap)).isEqualTo(new Result(false, 10, "entry 10: missing (sequence jumps from 9 to 11)"));
    }

    @Test
    void theFirstEntryDeletedIsMissing() {
        assertThat(verify(ledger.subList(1, 20)).message()).isEqualTo("entry 1: missing (sequence jumps from 0 to 2)");
    }

    @Test
    void reorderedEntriesNameTheFirstPositionOutOfPlace() {
        List<LedgerEntry> swapped = new ArrayList<>(ledger);
        Collections.swap(swapped, 4, 5);

        assertThat(verify(swapped))
                .isEqualTo(new Result(false, 5, "entry 5: out of order (position 5 holds entry 6)"));
    }

    @Test
    void aRepeatedEntryIsOutOfOrder() {
        List<LedgerEntry> repeated = new ArrayList<>(ledger);
        repeated.add(6, ledger.get(5));

        assertThat(verify(repeated).message()).isEqualTo("entry 7: out of order (position 7 repeats entry 6)");
    }

    @Test
    void aTruncatedTailIsCaughtByAnEarlierCheckpoint() {
        Checkpoint previous = checkpoints.get(2); // kept from an earlier export, covers 20 entries
        List<LedgerEntry> truncated = ledger.subList(0, 17);

        Result result = verify(truncated, checkpoints.subList(0, 2), previous);

        assertThat(result).isEqualTo(new Result(false, 18,
                "entry 18: missing: the ledger ends at 17 but an earlier checkpoint covers 20 entries"));
        assertThat(verify(truncated, checkpoints, null).message())
                .isEqualTo("entry 18: missing: the ledger ends at 17 but an earlier checkpoint covers 20 entries");
    }

    @Test
    void aConsistentRewriteIsCaughtByTheSignedCheckpoint() {
        LedgerEntry edited = TestLedger.editedLine(ledger.get(9), "\"outcome\":\"SHARED\"", "\"outcome\":\"REFUSED\"");
        List<LedgerEntry> rewritten = TestLedger.reseal(with(ledger, 9, edited), 9);

        assertThat(LedgerVerifier.verify(rewritten, List.of(), null, null).ok()).as("the chain alone").isTrue();
        assertThat(verify(rewritten)).isEqualTo(new Result(false, 9, "entry 9: checkpoint at 16 does not match"
                + " entries 1..16 (entries 1..8 still match their checkpoint)"));
    }

    @Test
    void aRewriteBeforeTheFirstCheckpointNamesEntryOne() {
        LedgerEntry edited = TestLedger.editedLine(ledger.get(2), "with a line break", "with no line break");
        List<LedgerEntry> rewritten = TestLedger.reseal(with(ledger, 2, edited), 2);

        assertThat(verify(rewritten))
                .isEqualTo(new Result(false, 1, "entry 1: checkpoint at 8 does not match entries 1..8"));
    }

    @Test
    void aCheckpointWithABadSignatureIsReported() {
        Checkpoint good = checkpoints.get(1);
        byte[] signature = Base64.getDecoder().decode(good.signature());
        signature[10] ^= 0x40;
        Checkpoint forged = new Checkpoint(good.treeSize(), good.rootHash(), good.lastHash(), good.time(),
                good.keyId(), good.algorithm(), Base64.getEncoder().encodeToString(signature));

        Result result = verify(ledger, List.of(checkpoints.get(0), forged, checkpoints.get(2)), null);

        assertThat(result).isEqualTo(new Result(false, 0, "checkpoint 16: signature does not verify"));
    }

    @Test
    void aRewriteWithRecomputedCheckpointsIsCaughtByTheirSignatures() {
        List<LedgerEntry> rewritten = TestLedger.reseal(with(ledger, 9,
                TestLedger.editedLine(ledger.get(9), "cs-norfolk", "police-norfolk")), 9);
        Checkpoint genuine = checkpoints.get(1);
        Checkpoint forged = TestLedger.checkpoint(rewritten, 16, signer);
        Checkpoint replayed = new Checkpoint(16, forged.rootHash(), forged.lastHash(), genuine.time(),
                genuine.keyId(), genuine.algorithm(), genuine.signature());

        assertThat(verify(rewritten, List.of(checkpoints.get(0), replayed), null).message())
                .isEqualTo("checkpoint 16: signature does not verify");
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsReported() {
        List<Checkpoint> foreign = TestLedger.checkpoints(ledger, TestLedger.otherEcSigner(), 8);

        assertThat(verify(ledger, foreign, null).message()).startsWith("checkpoint 8: signed by key ")
                .endsWith(", not by the given certificate");
    }

    @Test
    void theExportMustExtendTheLedgerThePreviousCheckpointSigned() {
        List<LedgerEntry> grown = TestLedger.ledger(30);
        assertThat(verify(grown, List.of(), checkpoints.get(2)).message())
                .isEqualTo("30 entries, chain intact, 1 checkpoints verified");

        // the signer itself rewrites history and re-signs every checkpoint; the kept checkpoint still disagrees
        List<LedgerEntry> rewritten = TestLedger.reseal(with(ledger, 9,
                TestLedger.editedLine(ledger.get(9), "\"outcome\":\"SHARED\"", "\"outcome\":\"REFUSED\"")), 9);
        List<Checkpoint> resigned = TestLedger.checkpoints(rewritten, signer, 8, 16, 20);

        assertThat(verify(rewritten, resigned, null).ok()).isTrue();
        assertThat(verify(rewritten, resigned, checkpoints.get(1))).isEqualTo(new Result(false, 9,
                "entry 9: previous checkpoint at 16 does not match entries 1..16"
                        + " (entries 1..8 still match their checkpoint)"));
    }

    @Test
    void aBrokenLinkIsReported() {
        LedgerEntry relinked = LedgerEntry.seal(ledger.get(4), ledger.get(2).hash());

        assertThat(verify(with(ledger, 4, relinked)))
                .isEqualTo(new Result(false, 5, "entry 5: prevHash does not match the hash of entry 4"));
        assertThat(verify(with(ledger, 0, LedgerEntry.seal(ledger.get(0), "1".repeat(64)))).message())
                .isEqualTo("entry 1: prevHash is not the genesis value (64 zeros)");
    }

    @Test
    void aChainFaultBeforeAllFailingCheckpointsIsTheOneReported() {
        LedgerEntry edited = TestLedger.editedLine(ledger.get(11), "trk-12", "trk-99");

        // checkpoint 16 no longer matches either, but entry 12 is named precisely
        assertThat(verify(with(ledger, 11, edited)).message()).isEqualTo("entry 12: hash does not match its contents");
    }
}
