package org.carebridge.ledger;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The right edge of the ledger's Merkle tree (RFC 6962 "compact range" of leaves 0..n): the roots of the perfect
 * subtrees that make up the first n leaves, one per bit set in n, largest (leftmost) first. It is all that is needed to
 * append leaves and compute the Merkle Tree Hash, so a checkpoint reads only the entries since the last one.
 */
public final class MerkleFrontier {

    private long size;
    private final List<byte[]> roots;

    private MerkleFrontier(long size, List<byte[]> roots) {
        this.size = size;
        this.roots = roots;
    }

    public static MerkleFrontier empty() {
        return new MerkleFrontier(0, new ArrayList<>());
    }

    public long size() {
        return size;
    }

    /** Adds the next leaf hash, merging equal-sized subtrees as the carry of a binary increment. */
    public MerkleFrontier append(byte[] leafHash) {
        roots.add(leafHash);
        for (long s = size; (s & 1) == 1; s >>>= 1) {
            byte[] right = roots.remove(roots.size() - 1);
            byte[] left = roots.remove(roots.size() - 1);
            roots.add(LedgerHashes.sha256(new byte[] {0x01}, left, right));
        }
        size++;
        return this;
    }

    /** MTH of the leaves appended so far: the subtree roots folded from the right (SHA-256() when empty). */
    public byte[] root() {
        if (roots.isEmpty()) {
            return LedgerHashes.sha256();
        }
        byte[] hash = roots.get(roots.size() - 1);
        for (int i = roots.size() - 2; i >= 0; i--) {
            hash = LedgerHashes.sha256(new byte[] {0x01}, roots.get(i), hash);
        }
        return hash;
    }

    public String rootHex() {
        return LedgerHashes.hex(root());
    }

    /** {@code <size>:<hex root>,<hex root>...}, for storing beside a checkpoint. */
    public String toText() {
        StringBuilder text = new StringBuilder().append(size).append(':');
        for (int i = 0; i < roots.size(); i++) {
            text.append(i == 0 ? "" : ",").append(LedgerHashes.hex(roots.get(i)));
        }
        return text.toString();
    }

    /** Reads {@link #toText}; throws IllegalArgumentException unless there is one 32-byte root per bit set in the size. */
    public static MerkleFrontier fromText(String text) {
        int colon = text.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("a frontier is <size>:<roots>");
        }
        long size;
        try {
            size = Long.parseLong(text.substring(0, colon));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a frontier's size is a number");
        }
        String rest = text.substring(colon + 1);
        List<byte[]> roots = new ArrayList<>();
        for (String hex : rest.isEmpty() ? new String[0] : rest.split(",", -1)) {
            if (!LedgerHashes.isHash(hex)) {
                throw new IllegalArgumentException("a frontier root is not 64 lower-case hex digits");
            }
            roots.add(HexFormat.of().parseHex(hex));
        }
        if (size < 0 || roots.size() != Long.bitCount(size)) {
            throw new IllegalArgumentException("a frontier of size " + size + " has " + Long.bitCount(Math.max(size, 0))
                    + " roots, not " + roots.size());
        }
        return new MerkleFrontier(size, roots);
    }
}
