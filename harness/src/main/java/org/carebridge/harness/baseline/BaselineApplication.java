package org.carebridge.harness.baseline;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.carebridge.security.crypto.TlsContexts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.context.annotation.Bean;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;

/**
 * The plain Camel baseline: the same persistence as the gateway and nothing else. HTTPS with mutual TLS in (Tomcat,
 * the gateway's dev TLS certificate, clients chained to the dev CA), each body sent to one durable queue on the embedded
 * Artemis broker (persistent messages, journal synced, as the gateway's), then 202; from the queue, HTTPS with mutual
 * TLS out to the same three sinks the gateway delivers a placement to. No decisions, sealing, storage or audit.
 */
@SpringBootApplication
public class BaselineApplication {

    private static final String IDENTITY = "in-memory";

    public static void main(String[] args) {
        SpringApplication.run(BaselineApplication.class, args);
    }

    @Bean
    SslBundleRegistrar partnerPort(@Value("${baseline.pki-dir}") Path pkiDir) throws Exception {
        DevPki pki = new DevPki(pkiDir);
        KeyMaterial identity = KeyMaterial.load(pki.gatewayCertificate(), pki.gatewayKey());
        SslBundle bundle = SslBundle.of(
                SslStoreBundle.of(identity.toKeyStore("baseline", IDENTITY.toCharArray()), IDENTITY,
                        TlsContexts.trustStore(Pem.readCertificates(pki.caCertificate()))),
                SslBundleKey.of(IDENTITY, "baseline"),
                SslOptions.of(TlsContexts.CIPHER_SUITES, TlsContexts.PROTOCOLS));
        return registry -> registry.registerBundle("partner-port", bundle);
    }

    /** camel-http's client presents the gateway's dev TLS certificate to the sinks, as the gateway does. */
    @Bean("https")
    HttpComponent https(@Value("${baseline.pki-dir}") Path pkiDir) throws Exception {
        DevPki pki = new DevPki(pkiDir);
        SSLContext tls = TlsContexts.mutual(KeyMaterial.load(pki.gatewayCertificate(), pki.gatewayKey()),
                Pem.readCertificates(pki.caCertificate()));
        HttpComponent component = new HttpComponent();
        component.setSslContextParameters(new SSLContextParameters() {
            @Override
            public SSLContext createSSLContext(CamelContext camelContext) {
                return tls;
            }
        });
        // with a client certificate HttpClient marks each connection with the TLS principal and would not reuse it for
        // a request without that user token: keep-alive, as the gateway's JDK client has
        component.setHttpClientConfigurer(builder -> builder.disableConnectionState());
        component.setMaxTotalConnections(200);
        component.setConnectionsPerRoute(32);
        return component;
    }

    @Bean
    RouteBuilder baselineRoutes(@Value("${baseline.sink-url}") String sink) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("servlet:/$process-message?httpMethodRestrict=POST")
                        .routeId("baseline-intake")
                        .removeHeaders("*", "X-CareBridge-Message-Id", "Content-Type")
                        .convertBodyTo(byte[].class)
                        .to("jms:queue:baseline.delivery?exchangePattern=InOnly&deliveryPersistent=true")
                        .removeHeaders("*")
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                        .setBody(constant(""));

                // acknowledged after the three posts, as the gateway's delivery routes
                from("jms:queue:baseline.delivery?concurrentConsumers={{baseline.consumers}}&acknowledgementModeName=CLIENT_ACKNOWLEDGE")
                        .routeId("baseline-delivery")
                        .removeHeaders("*", "X-CareBridge-Message-Id", "Content-Type")
                        .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                        // each recipient gets the body as it came off the queue; any failure rolls the message back
                        .multicast().stopOnException()
                            .to(sink + "/partners/cs-norfolk", sink + "/fhir/health-norfolk/process-message",
                                sink + "/partners/vs-suffolk")
                        .end();
            }
        };
    }
}
