package org.carebridge.connectors.https;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.carebridge.security.crypto.TlsContexts;
import org.carebridge.security.partner.Partner;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivers a copy to a partner over HTTPS with mutual TLS: the gateway presents its client certificate and checks the
 * partner's server certificate against the trusted authorities, and its name against the endpoint's host. Any answer
 * other than 2xx is a failure.
 * <p>
 * Each partner has its own pool of kept-alive connections, as many as its queue has consumers, used by the consumer's
 * own thread (blocking I/O, no selector threads under a blocking send). Failed attempts are never retried here: the
 * broker redelivers the copy.
 */
public class PartnerHttpsTransport implements AutoCloseable {

    public static final String MESSAGE_ID_HEADER = "X-CareBridge-Message-Id";
    public static final String TRACKING_ID_HEADER = "X-CareBridge-Tracking-Id";
    public static final String EVENT_HEADER = "X-CareBridge-Event";

    /** A pooled connection idle longer than this is checked before it carries a copy. */
    private static final TimeValue VALIDATE_AFTER_IDLE = TimeValue.ofSeconds(1);

    private final SSLContext tls;
    private final Timeout connectTimeout;
    private final Timeout timeout;
    private final int connectionsPerPartner;
    private final Map<String, PartnerPool> pools = new ConcurrentHashMap<>();

    private record PartnerPool(PoolingHttpClientConnectionManager connections, CloseableHttpClient client) {
    }

    /**
     * @param connectTimeout        the TCP connect and TLS handshake
     * @param timeout               the wait for a pooled connection, and for each read of the partner's answer
     * @param connectionsPerPartner at least the partner queue's concurrent consumers, so no consumer waits for another's
     */
    public PartnerHttpsTransport(SSLContext tls, Duration connectTimeout, Duration timeout, int connectionsPerPartner) {
        if (connectionsPerPartner < 1) {
            throw new IllegalArgumentException("connectionsPerPartner must be at least 1");
        }
        this.tls = tls;
        this.connectTimeout = Timeout.of(connectTimeout);
        this.timeout = Timeout.of(timeout);
        this.connectionsPerPartner = connectionsPerPartner;
    }

    /** Posts the copy and returns the partner's HTTP status. */
    public int deliver(Partner partner, byte[] body, String contentType, Map<String, String> headers) throws DeliveryFailure {
        HttpPost post = new HttpPost(partner.endpoint().deliveryUri());
        post.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        headers.forEach(post::setHeader);
        int status;
        try {
            status = client(partner.id()).execute(post, response -> {
                // read to the end, so the connection goes back to the pool
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        } catch (IOException e) {
            throw new DeliveryFailure(partner.id(), e);
        }
        if (status / 100 != 2) {
            throw new DeliveryFailure(partner.id(), status, "partner answered HTTP " + status);
        }
        return status;
    }

    /** Connections the partner's pool holds open, leased or idle. */
    public int openConnections(String partnerId) {
        PartnerPool pool = pools.get(partnerId);
        return pool == null ? 0 : pool.connections().getTotalStats().getLeased() + pool.connections().getTotalStats().getAvailable();
    }

    private CloseableHttpClient client(String partnerId) {
        return pools.computeIfAbsent(partnerId, id -> {
            PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                    // the JSSE's own endpoint identification, as the JDK client did: the certificate must name the host
                    .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls, TlsContexts.PROTOCOLS, TlsContexts.CIPHER_SUITES,
                            SSLBufferMode.STATIC, HostnameVerificationPolicy.BUILTIN, null))
                    .setMaxConnPerRoute(connectionsPerPartner)
                    .setMaxConnTotal(connectionsPerPartner)
                    .setDefaultConnectionConfig(ConnectionConfig.custom()
                            .setConnectTimeout(connectTimeout)
                            .setSocketTimeout(timeout)
                            .setValidateAfterInactivity(VALIDATE_AFTER_IDLE)
                            .build())
                    .build();
            return new PartnerPool(connections, HttpClients.custom()
                    .setConnectionManager(connections)
                    .setDefaultRequestConfig(RequestConfig.custom()
                            .setConnectionRequestTimeout(timeout)
                            .setResponseTimeout(timeout)
                            .build())
                    // one gateway identity for every copy: without this each connection is keyed by its TLS client
                    // principal, and no request (which carries none) would ever lease a kept-alive connection again
                    .disableConnectionState()
                    .disableAutomaticRetries()
                    .disableRedirectHandling()
                    .disableCookieManagement()
                    .disableAuthCaching()
                    .disableContentCompression()
                    .build());
        }).client();
    }

    @Override
    public void close() {
        pools.values().forEach(pool -> pool.client().close(CloseMode.GRACEFUL));
        pools.clear();
    }
}
