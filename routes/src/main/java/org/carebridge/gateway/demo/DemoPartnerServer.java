package org.carebridge.gateway.demo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.ServletRegistration;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.seal.GatewayKeys;
import org.carebridge.security.crypto.cms.SealOpener;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.TlsContexts;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Simulated partner agencies, in process, on their own HTTPS port with mutual TLS: a HAPI FHIR server per health
 * partner and an HTTPS inbox for every other partner, and an address that refuses every copy ({@link RefusingServlet}).
 * Dev and demo only; off in the production profile.
 */
public class DemoPartnerServer implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DemoPartnerServer.class);
    private static final String IN_MEMORY = "in-memory";

    private final CarebridgeProperties properties;
    private final PartnerRegistry registry;
    private final GatewayPki pki;
    private final FhirContext fhir;
    private final Map<String, DemoInbox> inboxes = new java.util.concurrent.ConcurrentHashMap<>();
    private WebServer server;

    private final GatewayKeys gatewayKeys;

    public DemoPartnerServer(CarebridgeProperties properties, PartnerRegistry registry, GatewayPki pki, FhirContext fhir,
                             GatewayKeys gatewayKeys) {
        this.gatewayKeys = gatewayKeys;
        this.properties = properties;
        this.registry = registry;
        this.pki = pki;
        this.fhir = fhir;
    }

    public Optional<DemoInbox> inbox(String partnerId) {
        return Optional.ofNullable(inboxes.get(partnerId));
    }

    /** Opens sealed copies as the partner would: its own keys, the gateway's signing certificates, the dev CA. */
    private java.util.function.Function<byte[], byte[]> unsealerFor(Partner partner) {
        var dev = pki.devPki();
        List<KeyMaterial> keys = new java.util.ArrayList<>();
        if (!java.nio.file.Files.exists(dev.partnerKey(partner.id()))) {
            // a partner added in the console with a certificate from elsewhere: its inbox keeps what arrives, unopened
            return null;
        }
        if (java.nio.file.Files.exists(dev.partnerEncryptionKey(partner.id()))) {
            keys.add(KeyMaterial.load(dev.partnerEncryptionCertificate(partner.id()), dev.partnerEncryptionKey(partner.id())));
        }
        keys.add(KeyMaterial.load(dev.partnerCertificate(partner.id()), dev.partnerKey(partner.id())));
        SealOpener opener = new SealOpener(keys, pki::trustAnchors, List::of, java.time.Clock.systemUTC());
        return body -> opener.openFromOneOf(body, gatewayKeys.signingCertificates()).content();
    }

    /** An HTTPS inbox at /partners/&lt;id&gt; for a partner added while running. */
    private void host(Partner partner, Path root) {
        try {
            inboxes.computeIfAbsent(partner.id(), id -> {
                try {
                    return new DemoInbox(id, root.resolve(id).resolve("inbox"), unsealerFor(partner));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            log.info("Demo partners host an inbox for new partner {}", partner.id());
        } catch (UncheckedIOException e) {
            log.warn("No demo inbox for new partner {}: {}", partner.id(), e.getMessage());
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void start() {
        if (pki.devPki() == null) {
            throw new IllegalStateException("demo partners need the dev PKI (carebridge.pki.dev-generate=true)");
        }
        Path root = properties.dataDir().resolve("demo-partners");
        try {
            for (Partner partner : registry.all()) {
                inboxes.put(partner.id(), new DemoInbox(partner.id(), root.resolve(partner.id()).resolve("inbox"), unsealerFor(partner)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo partners' inboxes under " + root, e);
        }
        registry.addListener((before, after) -> {
            if (after != null && before == null && after.endpoint() != null && after.endpoint().transport() != Transport.FHIR_REST) {
                host(after, root);
            }
        });
        KeyMaterial identity = KeyMaterial.load(pki.devPki().demoPartnersCertificate(), pki.devPki().demoPartnersKey());
        DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();
        bundles.registerBundle("demo-partners", SslBundle.of(
                SslStoreBundle.of(identity.toKeyStore("demo", IN_MEMORY.toCharArray()), IN_MEMORY, TlsContexts.trustStore(pki.trustAnchors())),
                SslBundleKey.of(IN_MEMORY, "demo"),
                SslOptions.of(TlsContexts.CIPHER_SUITES, TlsContexts.PROTOCOLS)));
        Ssl ssl = new Ssl();
        ssl.setBundle("demo-partners");
        ssl.setClientAuth(Ssl.ClientAuth.NEED);
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(properties.demoPartners().port());
        factory.setSsl(ssl);
        factory.setSslBundles(bundles);
        factory.setDisplayName("carebridge-demo-partners");
        server = factory.getWebServer(context -> {
            context.addFilter("demo-outages", new OutageFilter(inboxes)).addMappingForUrlPatterns(null, false, "/*");
            context.addServlet("demo-inboxes", new InboxServlet(inboxes)).addMapping("/partners/*");
            context.addServlet("demo-refusals", new RefusingServlet()).addMapping(RefusingServlet.PATH + "/*");
            for (Partner partner : registry.all()) {
                if (partner.endpoint().transport() == Transport.FHIR_REST) {
                    RestfulServer fhirServer = new RestfulServer(fhir);
                    fhirServer.registerProvider(new HealthMessageProvider(inboxes.get(partner.id()), fhir));
                    ServletRegistration.Dynamic registration = context.addServlet("demo-fhir-" + partner.id(), fhirServer);
                    registration.addMapping("/fhir/" + partner.id() + "/*");
                    registration.setLoadOnStartup(1);
                }
            }
        });
        server.start();
        log.info("Demo partner agencies listening on https://localhost:{} (inboxes under {})", server.getPort(), root);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** A failed start-up destroys beans without stopping lifecycles: Tomcat's non-daemon thread would keep the JVM alive. */
    @Override
    public void destroy() {
        stop();
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int getPhase() {
        // Up before the gateway takes records, down after it stops delivering.
        return Integer.MAX_VALUE - 4096;
    }
}
