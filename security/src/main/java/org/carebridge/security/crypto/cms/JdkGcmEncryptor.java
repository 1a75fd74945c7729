package org.carebridge.security.crypto.cms;

import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JceGenericKey;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * CMS content encryption with the JDK's AES-256-GCM, which runs on the CPU's AES instructions (Bouncy Castle's own GCM
 * is pure Java and many times slower). One instance encrypts one content under a fresh key and nonce. Bouncy Castle's
 * generator expects the ciphertext on the stream and the tag from {@link #getMAC()}, so the content is buffered and
 * encrypted in one step when the stream closes; a sealed copy is small and already held in memory.
 */
final class JdkGcmEncryptor implements OutputAEADEncryptor {

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    // A Cipher is not thread-safe and is costly to look up by name: one per thread, initialised afresh (a new key and
    // nonce) for each content. A content is encrypted on the thread that made its encryptor.
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });

    private final SecretKey key;
    private final AlgorithmIdentifier algorithm;
    private final Cipher cipher;
    private final int expectedLength;
    private byte[] tag;

    /** @param expectedLength the content's length, if known, so that it is buffered without growing */
    JdkGcmEncryptor(int expectedLength) throws GeneralSecurityException {
        byte[] keyBytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(keyBytes);
        key = new SecretKeySpec(keyBytes, "AES");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        algorithm = new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes256_GCM, new GCMParameters(nonce, TAG_BYTES));
        cipher = CIPHERS.get();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        this.expectedLength = Math.max(32, expectedLength);
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public GenericKey getKey() {
        return new JceGenericKey(algorithm, key);
    }

    @Override
    public OutputStream getOutputStream(OutputStream out) {
        return new ByteArrayOutputStream(expectedLength) {
            private boolean closed;

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    byte[] sealed = cipher.doFinal(buf, 0, count);
                    int length = sealed.length - TAG_BYTES;
                    out.write(sealed, 0, length);
                    tag = Arrays.copyOfRange(sealed, length, sealed.length);
                } catch (GeneralSecurityException e) {
                    throw new IOException("AES-GCM encryption failed", e);
                }
                out.close();
            }
        };
    }

    @Override
    public OutputStream getAADStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                cipher.updateAAD(new byte[]{(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                cipher.updateAAD(b, off, len);
            }
        };
    }

    @Override
    public byte[] getMAC() {
        if (tag == null) {
            throw new IllegalStateException("the content stream has not been closed");
        }
        return tag.clone();
    }
}
