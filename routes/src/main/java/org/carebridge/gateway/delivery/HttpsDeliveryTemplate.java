package org.carebridge.gateway.delivery;

import org.apache.camel.model.FilterDefinition;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.security.crypto.TlsContexts;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.Transport;
import org.springframework.stereotype.Component;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.net.InetSocketAddress;
import java.net.Socket;

/** HTTPS and FHIR REST ({@code $process-message}): the copy is posted with mutual TLS by the {@code PartnerHttpsTransport}. */
@Component
public class HttpsDeliveryTemplate extends DeliveryTemplate {

    public static final String TEMPLATE_ID = "delivery-https";

    private final SSLSocketFactory tls;
    private final int connectTimeoutMillis;

    public HttpsDeliveryTemplate(GatewayPki pki, CarebridgeProperties properties) {
        this.tls = pki.clientContext().getSocketFactory();
        this.connectTimeoutMillis = (int) properties.delivery().connectTimeout().toMillis();
    }

    @Override
    public boolean carries(Transport transport) {
        return transport == Transport.HTTPS || transport == Transport.FHIR_REST;
    }

    @Override
    public String templateId() {
        return TEMPLATE_ID;
    }

    @Override
    protected void deliver(FilterDefinition copy) {
        copy.bean(DisclosureSender.class, "send");
    }

    /** A mutual-TLS handshake with the partner's server: its certificate is checked, and ours presented. */
    @Override
    public ConnectionCheck.Result checkConnection(Partner partner) {
        return ConnectionCheck.timed("https", "TLS handshake", () -> {
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(partner.endpoint().host(), partner.endpoint().port()), connectTimeoutMillis);
                plain.setSoTimeout(connectTimeoutMillis);
                try (SSLSocket socket = (SSLSocket) tls.createSocket(plain, partner.endpoint().host(), partner.endpoint().port(), false)) {
                    socket.setSSLParameters(TlsContexts.strictParameters());
                    socket.startHandshake();
                    return "handshake completed (" + socket.getSession().getProtocol() + ")";
                }
            }
        });
    }
}
