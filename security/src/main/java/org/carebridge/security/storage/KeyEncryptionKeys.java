package org.carebridge.security.storage;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The key-encryption keys (KEKs) from the key store, by alias. The current one wraps new data keys; every one in the
 * store still unwraps, so a KEK can be rotated by adding a new entry and naming it current.
 * <p>
 * A wrapped data key is {@code 0x01 | 12-byte random nonce | AES-256-GCM(data key) | tag}, with its owner (a record's
 * tracking id, or {@code consent/<id>}) and the KEK id as associated data (a wrapped key moved to another owner does not
 * open). AES-GCM rather than RFC 5649
 * key wrap because the JDK 17 PKCS#11 provider offers GCM but not KWP, and the KEK should be able to live in an HSM.
 */
public final class KeyEncryptionKeys {

    static final byte FORMAT = 1;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Key> keys;
    private final String current;

    public KeyEncryptionKeys(Map<String, ? extends Key> keys, String current) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the key store holds no AES secret key to use as a key-encryption key");
        }
        if (!keys.containsKey(current)) {
            throw new IllegalArgumentException("key-encryption key '" + current + "' is not in the key store (it holds " + new TreeSet<>(keys.keySet()) + ")");
        }
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        this.current = current;
    }

    /**
     * Every AES secret-key entry of a loaded key store. {@code currentAlias} names the KEK that wraps new data keys; it
     * may be blank only when the store holds exactly one.
     */
    public static KeyEncryptionKeys of(KeyStore store, char[] password, String currentAlias) {
        Map<String, Key> found = new LinkedHashMap<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                if (key instanceof SecretKey && "AES".equalsIgnoreCase(key.getAlgorithm())) {
                    found.put(alias, key);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key-encryption key store cannot be read: " + e.getClass().getSimpleName(), e);
        }
        String chosen = null;
        if (currentAlias != null && !currentAlias.isBlank()) {
            // PKCS#12 stores aliases in lower case
            chosen = found.keySet().stream().filter(alias -> alias.equalsIgnoreCase(currentAlias.trim())).findFirst()
                    .orElse(currentAlias.trim());
        } else {
            if (found.size() != 1) {
                throw new IllegalArgumentException("the key store holds " + found.size()
                        + " AES keys; name the one that wraps new data keys (carebridge.storage.kek-alias)");
            }
            chosen = found.keySet().iterator().next();
        }
        return new KeyEncryptionKeys(found, chosen);
    }

    /** A PKCS#12 key store file with AES secret-key entries. */
    public static KeyEncryptionKeys fromPkcs12(Path file, char[] password, String currentAlias) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return of(store, password, currentAlias);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the key-encryption key store " + file + " cannot be opened: " + e.getMessage(), e);
        }
    }

    /**
     * A PKCS#11 token through the JDK's SunPKCS11 provider, configured by {@code configFile}; the password is the PIN.
     * The keys stay on the token; wrapping and unwrapping run there.
     */
    public static KeyEncryptionKeys fromPkcs11(Path configFile, char[] pin, String currentAlias) {
        try {
            Provider provider = Security.getProvider("SunPKCS11").configure(configFile.toString());
            if (Security.getProvider(provider.getName()) == null) {
                Security.addProvider(provider);
            }
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin);
            return of(store, pin, currentAlias);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("the PKCS#11 key-encryption key store (" + configFile + ") cannot be opened: " + e.getMessage(), e);
        }
    }

    public String currentId() {
        return current;
    }

    public Set<String> ids() {
        return keys.keySet();
    }

    /** Wraps a data key under the current KEK, bound to its owner (a record's tracking id, say). */
    public WrappedDataKey wrap(SecretKey dataKey, String owner) {
        byte[] nonce = new byte[PayloadCipher.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(current), new GCMParameterSpec(PayloadCipher.TAG_BITS, nonce));
            cipher.updateAAD(associatedData(owner, current));
            byte[] body = cipher.doFinal(dataKey.getEncoded());
            byte[] wrapped = new byte[1 + nonce.length + body.length];
            wrapped[0] = FORMAT;
            System.arraycopy(nonce, 0, wrapped, 1, nonce.length);
            System.arraycopy(body, 0, wrapped, 1 + nonce.length, body.length);
            return new WrappedDataKey(current, wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("data key wrapping failed", e);
        }
    }

    /** @throws PayloadUnreadable when the KEK is not in the store or the wrapped key was changed or moved */
    public SecretKey unwrap(WrappedDataKey wrapped, String owner) {
        Key kek = keys.get(wrapped.kekId());
        if (kek == null) {
            throw new PayloadUnreadable("key-encryption key '" + wrapped.kekId() + "' is not in the key store");
        }
        byte[] bytes = wrapped.wrapped();
        if (bytes == null || bytes.length < 1 + PayloadCipher.NONCE_BYTES + 16 || bytes[0] != FORMAT) {
            throw new PayloadUnreadable("not a wrapped data key (unknown format or truncated)");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, kek,
                    new GCMParameterSpec(PayloadCipher.TAG_BITS, Arrays.copyOfRange(bytes, 1, 1 + PayloadCipher.NONCE_BYTES)));
            cipher.updateAAD(associatedData(owner, wrapped.kekId()));
            byte[] key = cipher.doFinal(bytes, 1 + PayloadCipher.NONCE_BYTES, bytes.length - 1 - PayloadCipher.NONCE_BYTES);
            try {
                return new SecretKeySpec(key, "AES");
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        } catch (AEADBadTagException e) {
            throw new PayloadUnreadable("wrapped data key failed authentication (wrong KEK, or tampered or moved bytes)", e);
        } catch (GeneralSecurityException e) {
            throw new PayloadUnreadable("wrapped data key cannot be unwrapped: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The same data key wrapped under the current KEK: for moving records off a KEK that is being retired. */
    public WrappedDataKey rewrap(WrappedDataKey wrapped, String owner) {
        return wrap(unwrap(wrapped, owner), owner);
    }

    private static byte[] associatedData(String owner, String kekId) {
        return ("carebridge-data-key/" + FORMAT + "/" + owner + "/" + kekId).getBytes(StandardCharsets.UTF_8);
    }
}
