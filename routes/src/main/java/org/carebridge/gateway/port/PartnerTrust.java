package org.carebridge.gateway.port;

import org.carebridge.gateway.pki.Revocations;
import org.carebridge.security.crypto.TlsContexts;

import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.security.GeneralSecurityException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * PKIX trust in the gateway's authorities, with the configured revocation lists checked when there are any. As for
 * partners' signatures, the check fails closed: with lists configured, a certificate whose issuer has no current list
 * (or whose list is past its next update) is refused, since its status cannot be known. Rebuilt when the lists change.
 */
final class PartnerTrust implements Supplier<X509ExtendedTrustManager> {

    private final List<X509Certificate> anchors;
    private final Revocations revocations;
    private volatile Built built;

    private record Built(long version, X509ExtendedTrustManager trust) {
    }

    PartnerTrust(List<X509Certificate> anchors, Revocations revocations) {
        this.anchors = List.copyOf(anchors);
        this.revocations = revocations;
        this.built = build(revocations.current());
    }

    @Override
    public X509ExtendedTrustManager get() {
        Revocations.Snapshot now = revocations.current();
        Built current = built;
        if (current.version() != now.version()) {
            current = build(now);
            built = current;
        }
        return current.trust();
    }

    private Built build(Revocations.Snapshot lists) {
        try {
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(TlsContexts.trustStore(anchors), new X509CertSelector());
            parameters.setRevocationEnabled(!lists.lists().isEmpty());
            if (!lists.lists().isEmpty()) {
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(lists.lists())));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            X509ExtendedTrustManager trust = Arrays.stream(factory.getTrustManagers())
                    .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                    .findFirst().orElseThrow();
            return new Built(lists.version(), trust);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the partner port's trust", e);
        }
    }
}
