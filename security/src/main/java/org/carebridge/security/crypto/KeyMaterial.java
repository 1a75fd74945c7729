package org.carebridge.security.crypto;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key and its certificate chain, leaf first. */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {

    public static KeyMaterial load(Path certificate, Path key) {
        try {
            return new KeyMaterial(Pem.readPrivateKey(key), Pem.readCertificates(certificate));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load key material from " + certificate.getFileName()
                    + " and " + key.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** A private key entry from a PKCS#12 key store; {@code alias} may be null when the store holds exactly one key. */
    public static KeyMaterial loadPkcs12(Path store, char[] password, String alias) {
        try (var in = java.nio.file.Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
            return fromKeyStore(keyStore, store.getFileName().toString(), password, alias);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load key store " + store.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A private key held in a hardware token through the JDK's SunPKCS11 provider, configured by {@code providerConfig}
     * (library, slot). The key never leaves the token; signing and decryption run inside it.
     */
    public static KeyMaterial loadPkcs11(Path providerConfig, char[] pin, String alias) {
        try {
            java.security.Provider provider = java.security.Security.getProvider("SunPKCS11").configure(providerConfig.toString());
            KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
            keyStore.load(null, pin);
            return fromKeyStore(keyStore, "PKCS#11 token", pin, alias);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot load the PKCS#11 key store: " + e.getMessage(), e);
        }
    }

    private static KeyMaterial fromKeyStore(KeyStore keyStore, String name, char[] password, String alias)
            throws GeneralSecurityException {
        {
            String chosen = alias;
            if (chosen == null) {
                for (String candidate : java.util.Collections.list(keyStore.aliases())) {
                    if (keyStore.isKeyEntry(candidate)) {
                        if (chosen != null) {
                            throw new IllegalStateException(name + " holds several keys; name the alias to use");
                        }
                        chosen = candidate;
                    }
                }
            }
            if (chosen == null || !keyStore.isKeyEntry(chosen)) {
                throw new IllegalStateException(name + " has no private key entry" + (alias == null ? "" : " '" + alias + "'"));
            }
            PrivateKey key = (PrivateKey) keyStore.getKey(chosen, password);
            List<X509Certificate> chain = java.util.Arrays.stream(keyStore.getCertificateChain(chosen))
                    .map(X509Certificate.class::cast).toList();
            return new KeyMaterial(key, chain);
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** An in-memory PKCS#12 key store holding this key under {@code alias}. */
    public KeyStore toKeyStore(String alias, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, privateKey, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build key store", e);
        }
    }
}
