package org.carebridge.gateway.pki;

import org.carebridge.security.crypto.TlsContexts;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * The partner port speaks HTTPS only, TLS 1.3/1.2 with forward-secret AEAD suites, and asks every caller for a client
 * certificate chained to a trusted authority. A caller without one still completes the handshake so that it can be
 * told, in an OperationOutcome, what is missing; a certificate from an unknown authority fails the handshake.
 */
public class PartnerPortTls implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    static final String BUNDLE = "carebridge-partner-port";
    // Protects only an in-memory key store that never leaves this process.
    private static final String IN_MEMORY = "in-memory";

    private final GatewayPki pki;
    private final SslBundleRegistry registry;
    private final SslBundles bundles;

    public PartnerPortTls(GatewayPki pki, SslBundleRegistry registry, SslBundles bundles) {
        this.pki = pki;
        this.registry = registry;
        this.bundles = bundles;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        if (!bundles.getBundleNames().contains(BUNDLE)) {
            registry.registerBundle(BUNDLE, SslBundle.of(
                    SslStoreBundle.of(pki.tlsIdentity().toKeyStore("gateway", IN_MEMORY.toCharArray()), IN_MEMORY,
                            TlsContexts.trustStore(pki.trustAnchors())),
                    SslBundleKey.of(IN_MEMORY, "gateway"),
                    SslOptions.of(TlsContexts.CIPHER_SUITES, TlsContexts.PROTOCOLS)));
        }
        Ssl ssl = new Ssl();
        ssl.setBundle(BUNDLE);
        ssl.setClientAuth(Ssl.ClientAuth.WANT);
        factory.setSsl(ssl);
        factory.setSslBundles(bundles);
    }
}
