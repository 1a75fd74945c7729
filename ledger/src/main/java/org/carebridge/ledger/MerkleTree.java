package org.carebridge.ledger;

import java.util.List;

/** The Merkle Tree Hash of RFC 6962 section 2.1, over entries' leaf hashes. */
public final class MerkleTree {

    private MerkleTree() {
    }

    /**
     * MTH({}) = SHA-256(); MTH of one leaf = that leaf hash; for n > 1, with k the largest power of two below n,
     * MTH(D[0:n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
     */
    public static byte[] root(List<byte[]> leafHashes) {
        return leafHashes.isEmpty() ? LedgerHashes.sha256() : root(leafHashes, 0, leafHashes.size());
    }

    public static String rootHex(List<byte[]> leafHashes) {
        return LedgerHashes.hex(root(leafHashes));
    }

    private static byte[] root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = Integer.highestOneBit(n - 1);
        return LedgerHashes.sha256(new byte[] {0x01}, root(leaves, from, from + k), root(leaves, from + k, to));
    }
}
