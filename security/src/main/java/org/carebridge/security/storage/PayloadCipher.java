package org.carebridge.security.storage;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Payloads at rest: AES-256-GCM under the record's data key. A sealed payload is {@code 0x01 | 12-byte random nonce |
 * ciphertext | 16-byte tag}; the associated data is the format byte and the payload's place (for example
 * {@code intake_record/<tracking id>}), so a blob copied onto another row does not open.
 */
public final class PayloadCipher {

    static final byte FORMAT = 1;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();
    // A Cipher is not thread-safe, and looking one up by name walks the providers' services (a fifth of a small
    // payload's sealing): one per thread, initialised afresh, with its own nonce, for every payload.
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });

    private PayloadCipher() {
    }

    /** A fresh 256-bit data key for one record. */
    public static SecretKey newDataKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256 key generation unavailable", e);
        }
    }

    public static byte[] seal(SecretKey dataKey, byte[] plaintext, String place) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(place));
            byte[] sealed = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            sealed[0] = FORMAT;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, 1 + NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    /** @throws PayloadUnreadable when the key is wrong, or the bytes or their place were changed */
    public static byte[] open(SecretKey dataKey, byte[] sealed, String place) {
        if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new PayloadUnreadable("not a sealed payload (unknown format or truncated)");
        }
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
            cipher.updateAAD(associatedData(place));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new PayloadUnreadable("sealed payload failed authentication (wrong key, or tampered or moved bytes)", e);
        } catch (GeneralSecurityException e) {
            throw new PayloadUnreadable("sealed payload cannot be opened: " + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] associatedData(String place) {
        return ("carebridge-payload/" + FORMAT + "/" + place).getBytes(StandardCharsets.UTF_8);
    }
}
