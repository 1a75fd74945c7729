package org.carebridge.security.crypto.cms;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Provider;

/** The Bouncy Castle provider instance used for CMS, kept private rather than installed JVM-wide. */
final class Cms {

    static final Provider PROVIDER = new BouncyCastleProvider();

    private Cms() {
    }
}
