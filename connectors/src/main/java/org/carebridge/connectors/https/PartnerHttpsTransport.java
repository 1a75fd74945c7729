package org.carebridge.connectors.https;

import org.carebridge.security.crypto.TlsContexts;
import org.carebridge.security.partner.Partner;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Delivers a copy to a partner over HTTPS with mutual TLS: the gateway presents its client certificate and checks the
 * partner's server certificate against the trusted authorities. Any answer other than 2xx is a failure.
 */
public class PartnerHttpsTransport {

    public static final String MESSAGE_ID_HEADER = "X-CareBridge-Message-Id";
    public static final String TRACKING_ID_HEADER = "X-CareBridge-Tracking-Id";
    public static final String EVENT_HEADER = "X-CareBridge-Event";

    private final HttpClient client;
    private final Duration timeout;

    public PartnerHttpsTransport(SSLContext tls, Duration connectTimeout, Duration timeout) {
        this.client = HttpClient.newBuilder()
                .sslContext(tls)
                .sslParameters(TlsContexts.strictParameters())
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.timeout = timeout;
    }

    /** Posts the copy and returns the partner's HTTP status. */
    public int deliver(Partner partner, byte[] body, String contentType, Map<String, String> headers) throws DeliveryFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(partner.endpoint().deliveryUri())
                .timeout(timeout)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<Void> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new DeliveryFailure(partner.id(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure(partner.id(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new DeliveryFailure(partner.id(), response.statusCode(), "partner answered HTTP " + response.statusCode());
        }
        return response.statusCode();
    }
}
