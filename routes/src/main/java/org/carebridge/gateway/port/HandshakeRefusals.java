package org.carebridge.gateway.port;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

/**
 * The partner port's trust decision, with a trace of each refusal: a client certificate that does not chain to a
 * trusted authority, is out of date or is revoked (see {@link PartnerTrust}) fails the handshake, and is logged at INFO with its subject and serial, never
 * anything the client sent after, and counted.
 */
class HandshakeRefusals extends X509ExtendedTrustManager {

    private static final Logger log = LoggerFactory.getLogger(HandshakeRefusals.class);

    private final Supplier<X509ExtendedTrustManager> trust;
    private final MeterRegistry meters;

    HandshakeRefusals(Supplier<X509ExtendedTrustManager> trust, MeterRegistry meters) {
        this.trust = trust;
        this.meters = meters;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            trust.get().checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw refused(chain, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            trust.get().checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw refused(chain, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            trust.get().checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw refused(chain, e);
        }
    }

    private CertificateException refused(X509Certificate[] chain, CertificateException e) {
        String reason = reason(e);
        X509Certificate presented = chain == null || chain.length == 0 ? null : chain[0];
        log.info("TLS handshake refused ({}): client certificate subject '{}', serial {}, issuer '{}'", reason,
                presented == null ? "none" : presented.getSubjectX500Principal().getName(),
                presented == null ? "none" : presented.getSerialNumber().toString(16),
                presented == null ? "none" : presented.getIssuerX500Principal().getName());
        Counter.builder("carebridge.tls.handshakes.refused").description("TLS handshakes refused on the partner port")
                .tag("reason", reason).register(meters).increment();
        return e;
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException) {
                return "expired";
            }
            if (t instanceof java.security.cert.CertificateNotYetValidException) {
                return "not-yet-valid";
            }
            if (t instanceof java.security.cert.CertPathValidatorException v
                    && v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.REVOKED) {
                return "revoked";
            }
            if (t instanceof java.security.cert.CertPathValidatorException v
                    && v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
                return "revocation-unknown";
            }
        }
        return "untrusted";
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        trust.get().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        trust.get().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trust.get().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trust.get().getAcceptedIssuers();
    }
}
