package org.carebridge.gateway.port;

import org.apache.tomcat.util.net.SSLContext;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

/** A JSSE context handed to Tomcat ready made, so that the partner port's trust manager is ours. */
final class PartnerPortSslContext implements SSLContext {

    private final javax.net.ssl.SSLContext context;
    private final List<X509Certificate> chain;
    private final List<X509Certificate> issuers;

    PartnerPortSslContext(KeyManager[] keys, TrustManager[] trust, List<X509Certificate> chain, List<X509Certificate> issuers)
            throws NoSuchAlgorithmException, KeyManagementException {
        this.context = javax.net.ssl.SSLContext.getInstance("TLS");
        this.context.init(keys, trust, null);
        this.chain = List.copyOf(chain);
        this.issuers = List.copyOf(issuers);
    }

    @Override
    public void init(KeyManager[] kms, TrustManager[] tms, SecureRandom sr) {
        // initialised once, in the constructor
    }

    @Override
    public void destroy() {
    }

    @Override
    public SSLSessionContext getServerSessionContext() {
        return context.getServerSessionContext();
    }

    @Override
    public SSLEngine createSSLEngine() {
        return context.createSSLEngine();
    }

    @Override
    public SSLServerSocketFactory getServerSocketFactory() {
        return context.getServerSocketFactory();
    }

    @Override
    public SSLParameters getSupportedSSLParameters() {
        return context.getSupportedSSLParameters();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return chain.toArray(X509Certificate[]::new);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return issuers.toArray(X509Certificate[]::new);
    }
}
