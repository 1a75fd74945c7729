package org.carebridge.gateway.audit;

import org.carebridge.ledger.LedgerHashes;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AES-256-GCM for subject identifier values, with a random 12-byte nonce per value. A key ring, so keys can rotate: the
 * first key encrypts, any key decrypts the values sealed under it (each value carries its key id).
 */
public class SubjectEncryption {

    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {
    }

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String currentKeyId;
    private final SecureRandom random = new SecureRandom();

    public SubjectEncryption(List<byte[]> keyRing) {
        if (keyRing.isEmpty()) {
            throw new IllegalArgumentException("the subject encryption key file holds no key");
        }
        for (byte[] key : keyRing) {
            if (key.length != 32) {
                throw new IllegalArgumentException("subject encryption keys must be 256 bits (32 bytes, base64)");
            }
            keys.putIfAbsent(keyIdOf(key), new SecretKeySpec(key, "AES"));
        }
        this.currentKeyId = keys.keySet().iterator().next();
    }

    /** One base64 256-bit key per line, the current key first; blank lines and lines starting with # are ignored. */
    public static SubjectEncryption fromFile(Path file) {
        try {
            List<byte[]> ring = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String text = line.strip();
                if (!text.isEmpty() && !text.startsWith("#")) {
                    ring.add(Base64.getDecoder().decode(text));
                }
            }
            return new SubjectEncryption(ring);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the subject encryption key file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }

    /** The first 16 hex digits of SHA-256 over a label and the key: names the key without revealing it. */
    public static String keyIdOf(byte[] key) {
        return LedgerHashes.hex(LedgerHashes.sha256("carebridge-subject-encryption|".getBytes(StandardCharsets.UTF_8), key))
                .substring(0, 16);
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    /** @param associated bound to the ciphertext (not encrypted): the value opens only with the same bytes */
    public Sealed seal(String plaintext, byte[] associated) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated);
            return new Sealed(currentKeyId, nonce, cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** @throws IllegalStateException if the key is not in the ring or the value was altered (no value in the message) */
    public String open(Sealed sealed, byte[] associated) {
        SecretKeySpec key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("no subject encryption key with id " + sealed.keyId() + " is configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(associated);
            return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("an encrypted subject identifier does not authenticate (altered or moved)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
