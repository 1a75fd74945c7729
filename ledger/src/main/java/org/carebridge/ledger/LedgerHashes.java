package org.carebridge.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The ledger's hash functions: SHA-256 leaf hashes, chain hashes and lower-case hex text. */
public final class LedgerHashes {

    /** The prevHash of entry 1: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private LedgerHashes() {
    }

    public static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** SHA-256(0x00 || canonical bytes): the entry's leaf in the Merkle tree (RFC 6962). */
    public static byte[] leafHash(byte[] canonicalBytes) {
        return sha256(new byte[] {0x00}, canonicalBytes);
    }

    /** SHA-256(prevHash bytes || leafHash), as hex: the entry's hash. */
    public static String chainHash(String prevHash, byte[] leafHash) {
        if (!isHash(prevHash)) {
            throw new IllegalArgumentException("prevHash is not 64 lower-case hex digits: " + prevHash);
        }
        return hex(sha256(HEX.parseHex(prevHash), leafHash));
    }

    /** True if the text is a SHA-256 hash as the ledger writes it: 64 lower-case hex digits. */
    public static boolean isHash(String text) {
        return text != null && HASH.matcher(text).matches();
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
