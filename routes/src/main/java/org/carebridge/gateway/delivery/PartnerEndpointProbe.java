package org.carebridge.gateway.delivery;

import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.security.crypto.TlsContexts;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks whether a partner's endpoint is back, without sending it anything: over HTTPS a HEAD request with the gateway's
 * client certificate (so the TLS handshake is tried too), where any answer below 500 counts as reachable; for any
 * other scheme a TCP connection to the endpoint's port.
 */
@Component
public class PartnerEndpointProbe implements EndpointProbe {

    private final HttpClient client;
    private final Duration timeout;
    private final PartnerRegistry registry;

    public PartnerEndpointProbe(GatewayPki pki, CircuitProperties circuit, PartnerRegistry registry) {
        this.registry = registry;
        this.timeout = circuit.probeTimeout();
        this.client = HttpClient.newBuilder()
                .sslContext(pki.clientContext())
                .sslParameters(TlsContexts.strictParameters())
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public boolean reachable(String partnerId) {
        return registry.byId(partnerId).map(this::reachable).orElse(false);
    }

    boolean reachable(Partner partner) {
        URI uri = partner.endpoint().deliveryUri();
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(uri).timeout(timeout)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                return answer.statusCode() < 500;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) timeout.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
