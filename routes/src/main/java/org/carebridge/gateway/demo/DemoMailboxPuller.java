package org.carebridge.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.carebridge.connectors.https.PartnerHttpsTransport;
import org.carebridge.gateway.mailbox.MailboxController;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.TlsContexts;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The demo partners that cannot accept inbound connections ({@code endpoint.transport: mailbox}): each pulls its mailbox
 * from the gateway's partner port with its own client certificate, as its system would, stores every message in its
 * demo inbox (opened, beside the sealed copy) and acknowledges it. Dev and demo only.
 */
public class DemoMailboxPuller {

    private static final Logger log = LoggerFactory.getLogger(DemoMailboxPuller.class);

    private final PartnerRegistry registry;
    private final GatewayPki pki;
    private final DemoPartnerServer partners;
    private final Environment environment;
    private final ObjectMapper json = new ObjectMapper();

    public DemoMailboxPuller(PartnerRegistry registry, GatewayPki pki, DemoPartnerServer partners, Environment environment) {
        this.registry = registry;
        this.pki = pki;
        this.partners = partners;
        this.environment = environment;
    }

    public void scheduledPull() {
        try {
            pull();
        } catch (Exception e) {
            log.warn("A demo partner could not pull its mailbox ({}); it tries again at the next poll", e.getClass().getSimpleName());
        }
    }

    /** One pull by every mailbox partner: list, download, store, acknowledge. @return messages acknowledged */
    public int pull() throws IOException, InterruptedException {
        int acknowledged = 0;
        for (Partner partner : registry.all()) {
            if (partner.endpoint() != null && partner.endpoint().transport() == Transport.MAILBOX) {
                acknowledged += pull(partner);
            }
        }
        return acknowledged;
    }

    private int pull(Partner partner) throws IOException, InterruptedException {
        DemoInbox inbox = partners.inbox(partner.id()).orElseThrow();
        KeyMaterial identity = KeyMaterial.load(pki.devPki().partnerCertificate(partner.id()), pki.devPki().partnerKey(partner.id()));
        HttpClient client = HttpClient.newBuilder().sslContext(TlsContexts.mutual(identity, pki.trustAnchors()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://localhost:" + environment.getProperty("local.server.port", environment.getProperty("server.port"))
                + MailboxController.INBOX;
        int acknowledged = 0;
        HttpResponse<String> listed = client.send(HttpRequest.newBuilder(URI.create(base)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (listed.statusCode() != 200) {
            throw new IOException("listing the mailbox answered " + listed.statusCode());
        }
        for (JsonNode message : json.readTree(listed.body()).path("messages")) {
            String id = message.path("id").asText();
            HttpResponse<byte[]> downloaded = client.send(HttpRequest.newBuilder(URI.create(base + "/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (downloaded.statusCode() != 200) {
                continue;
            }
            int stored = inbox.receive(downloaded.headers().firstValue(PartnerHttpsTransport.MESSAGE_ID_HEADER).orElse(null),
                    downloaded.headers().firstValue("Content-Type").orElse(null), downloaded.body());
            if (stored != 200) {
                // not taken (the demo inbox is offline or could not open it): leave it in the mailbox
                continue;
            }
            HttpResponse<String> ack = client.send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/status/acknowledged"))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (ack.statusCode() == 200) {
                acknowledged++;
            }
        }
        return acknowledged;
    }
}
