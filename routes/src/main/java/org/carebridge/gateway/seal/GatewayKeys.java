package org.carebridge.gateway.seal;

import org.carebridge.security.crypto.KeyMaterial;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/** The gateway's signing and decryption keys, loaded once from PEM files or PKCS#12 stores. */
public class GatewayKeys {

    private final List<KeyMaterial> signing;
    private final List<KeyMaterial> decryption;

    public GatewayKeys(SealingProperties properties) {
        this.signing = load(properties.signingKeys(), "signing");
        this.decryption = load(properties.decryptionKeys(), "decryption");
        if (signing.isEmpty()) {
            throw new IllegalStateException("carebridge.sealing.signing-keys is empty: the gateway cannot seal copies");
        }
    }

    /** The newest signing identity valid at {@code now}; empty when every one has expired. */
    public Optional<KeyMaterial> currentSigner(Instant now) {
        Date at = Date.from(now);
        return signing.stream()
                .filter(key -> !at.before(key.certificate().getNotBefore()) && !at.after(key.certificate().getNotAfter()))
                .max(Comparator.comparing(key -> key.certificate().getNotBefore()));
    }

    public List<KeyMaterial> signingKeys() {
        return signing;
    }

    public List<KeyMaterial> decryptionKeys() {
        return decryption;
    }

    public List<X509Certificate> signingCertificates() {
        return signing.stream().map(KeyMaterial::certificate).toList();
    }

    private static List<KeyMaterial> load(List<SealingProperties.KeyEntry> entries, String use) {
        List<KeyMaterial> keys = new ArrayList<>();
        for (SealingProperties.KeyEntry entry : entries) {
            if ("PKCS11".equalsIgnoreCase(entry.type())) {
                keys.add(KeyMaterial.loadPkcs11(entry.keystore(),
                        entry.password() == null ? new char[0] : entry.password().toCharArray(), entry.alias()));
            } else if (entry.keystore() != null) {
                keys.add(KeyMaterial.loadPkcs12(entry.keystore(),
                        entry.password() == null ? new char[0] : entry.password().toCharArray(), entry.alias()));
            } else if (entry.certificate() != null && entry.key() != null) {
                keys.add(KeyMaterial.load(entry.certificate(), entry.key()));
            } else {
                throw new IllegalStateException("a " + use + " key needs certificate and key (PEM) or keystore (PKCS#12)");
            }
        }
        return List.copyOf(keys);
    }
}
