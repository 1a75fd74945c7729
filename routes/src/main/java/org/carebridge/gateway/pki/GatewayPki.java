package org.carebridge.gateway.pki;

import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.carebridge.security.crypto.TlsContexts;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The gateway's own keys and the certificate authorities it trusts. In the embedded default these come from the
 * dev-only PKI generated on first start; in production from configured PEM files.
 */
public class GatewayPki {

    private final KeyMaterial tlsIdentity;
    private final List<X509Certificate> trustAnchors;
    private final DevPki devPki;

    public GatewayPki(CarebridgeProperties.Pki properties, Collection<String> partnerIds) {
        this.devPki = properties.devGenerate() ? new DevPki(properties.dir()) : null;
        if (devPki != null) {
            devPki.ensure(partnerIds);
        }
        this.tlsIdentity = KeyMaterial.load(properties.tlsCertificate(), properties.tlsKey());
        this.trustAnchors = new ArrayList<>();
        for (Path anchor : properties.trustAnchors()) {
            try {
                trustAnchors.addAll(Pem.readCertificates(anchor));
            } catch (Exception e) {
                throw new IllegalStateException("trust anchor " + anchor + " cannot be read: " + e.getMessage(), e);
            }
        }
    }

    public KeyMaterial tlsIdentity() {
        return tlsIdentity;
    }

    public List<X509Certificate> trustAnchors() {
        return List.copyOf(trustAnchors);
    }

    /** For outbound deliveries: the gateway's client certificate, trusting only the configured authorities. */
    public SSLContext clientContext() {
        return TlsContexts.mutual(tlsIdentity, trustAnchors);
    }

    /** Present only when the dev-only PKI is in use. */
    public DevPki devPki() {
        return devPki;
    }
}
