package org.carebridge.security.crypto.cms;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.spec.PKCS8EncodedKeySpec;

/** The Bouncy Castle provider instance used for CMS, kept private rather than installed JVM-wide. */
final class Cms {

    static final Provider PROVIDER = new BouncyCastleProvider();

    private Cms() {
    }

    /**
     * The key as one of Bouncy Castle's own, converted once: given a JDK key, Bouncy Castle converts it, and for EC
     * rebuilds the curve and its precomputed multiples, on every operation. A key that cannot be exported (a hardware
     * token's) is returned as it is.
     */
    static PrivateKey providerKey(PrivateKey key) {
        if (key.getClass().getName().startsWith("org.bouncycastle.") || key.getEncoded() == null
                || !"PKCS#8".equalsIgnoreCase(key.getFormat())) {
            return key;
        }
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            return key;
        }
    }
}
