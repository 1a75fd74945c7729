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
