package org.carebridge.ledger;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks an exported ledger: the hash chain entry by entry, then each signed checkpoint (and an earlier, separately
 * kept checkpoint) against the Merkle root and last hash of the entries it covers. Reports the first bad entry.
 */
public final class LedgerVerifier {

    /**
     * @param firstBadSeq the first entry found bad, or 0 when the ledger is good or the fault is in a checkpoint itself
     * @param message     "N entries, chain intact, K checkpoints verified" or "entry N: what is wrong"
     */
    public record Result(boolean ok, long firstBadSeq, String message) {

        static Result badEntry(long seq, String what) {
            return new Result(false, seq, "entry " + seq + ": " + what);
        }

        static Result badCheckpoint(String label, String what) {
            return new Result(false, 0, label + ": " + what);
        }
    }

    /** A checkpoint to check; {@code kept} if it is the one kept from an earlier export. */
    private record Claim(Checkpoint checkpoint, boolean kept) {

        String name() {
            return kept ? "previous checkpoint" : "checkpoint";
        }

        String label() {
            return name() + " " + checkpoint.treeSize();
        }
    }

    private LedgerVerifier() {
    }

    /**
     * @param checkpoints the exported checkpoints (may be empty)
     * @param signer      the checkpoint signer's certificate; null skips signature checks (and says so)
     * @param previous    a checkpoint kept from an earlier export, or null; the export must extend the ledger it signed
     */
    public static Result verify(List<LedgerEntry> entries, List<Checkpoint> checkpoints, X509Certificate signer,
            Checkpoint previous) {
        List<byte[]> leaves = new ArrayList<>(entries.size());
        Result chainFault = checkChain(entries, leaves);

        List<Claim> claims = new ArrayList<>();
        checkpoints.forEach(checkpoint -> claims.add(new Claim(checkpoint, false)));
        if (previous != null) {
            claims.add(new Claim(previous, true));
        }
        claims.sort(Comparator.comparingLong(claim -> claim.checkpoint().treeSize()));

        TreeSet<Long> matchedSizes = new TreeSet<>(Set.of(0L));
        for (Claim claim : claims) {
            Checkpoint checkpoint = claim.checkpoint();
            long size = checkpoint.treeSize();
            if (chainFault != null && size > leaves.size()) {
                break; // the broken chain explains it, and it is the earlier fault
            }
            if (size < 1) {
                return Result.badCheckpoint(claim.label(), "covers no entries");
            }
            if (signer != null && !checkpoint.keyId().equals(Checkpoint.keyIdOf(signer))) {
                return Result.badCheckpoint(claim.label(), "signed by key " + checkpoint.keyId()
                        + ", not by the given certificate");
            }
            if (signer != null && !checkpoint.verify(signer)) {
                return Result.badCheckpoint(claim.label(), "signature does not verify");
            }
            if (size > entries.size()) {
                return Result.badEntry(entries.size() + 1, "missing: the ledger ends at " + entries.size()
                        + " but an earlier checkpoint covers " + size + " entries");
            }
            List<byte[]> covered = leaves.subList(0, (int) size);
            if (!MerkleTree.rootHex(covered).equals(checkpoint.rootHash())
                    || !entries.get((int) size - 1).hash().equals(checkpoint.lastHash())) {
                long matchedBelow = matchedSizes.lower(size); // a fork may match another checkpoint of this size
                String where = matchedBelow == 0 ? ""
                        : " (entries 1.." + matchedBelow + " still match their checkpoint)";
                return Result.badEntry(matchedBelow + 1,
                        claim.name() + " at " + size + " does not match entries 1.." + size + where);
            }
            matchedSizes.add(size);
        }
        if (chainFault != null) {
            return chainFault;
        }
        String unsigned = signer == null && !claims.isEmpty() ? " (signatures not checked: no certificate given)" : "";
        return new Result(true, 0, entries.size() + " entries, chain intact, " + claims.size()
                + " checkpoints verified" + unsigned);
    }

    /** Checks sequence and hashes; adds the leaf hash of each intact entry; returns the first fault, or null. */
    private static Result checkChain(List<LedgerEntry> entries, List<byte[]> leaves) {
        Set<Long> present = new HashSet<>();
        entries.forEach(entry -> present.add(entry.seq()));
        String previousHash = LedgerHashes.GENESIS;
        for (int i = 0; i < entries.size(); i++) {
            LedgerEntry entry = entries.get(i);
            long expected = i + 1L;
            if (entry.seq() != expected) {
                if (entry.seq() < expected) {
                    return Result.badEntry(expected, "out of order (position " + expected + " repeats entry "
                            + entry.seq() + ")");
                }
                if (!present.contains(expected)) {
                    return Result.badEntry(expected, "missing (sequence jumps from " + (expected - 1) + " to "
                            + entry.seq() + ")");
                }
                return Result.badEntry(expected, "out of order (position " + expected + " holds entry "
                        + entry.seq() + ")");
            }
            if (!LedgerHashes.isHash(entry.prevHash())) {
                return Result.badEntry(expected, "prevHash is not 64 lower-case hex digits");
            }
            byte[] leaf;
            try {
                leaf = entry.leafHash();
            } catch (IllegalArgumentException e) {
                return Result.badEntry(expected, "cannot be encoded canonically: " + e.getMessage());
            }
            if (!LedgerHashes.chainHash(entry.prevHash(), leaf).equals(entry.hash())) {
                return Result.badEntry(expected, "hash does not match its contents");
            }
            if (!entry.prevHash().equals(previousHash)) {
                return Result.badEntry(expected, expected == 1 ? "prevHash is not the genesis value (64 zeros)"
                        : "prevHash does not match the hash of entry " + (expected - 1));
            }
            leaves.add(leaf);
            previousHash = entry.hash();
        }
        return null;
    }
}
