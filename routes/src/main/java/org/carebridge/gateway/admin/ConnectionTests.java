package org.carebridge.gateway.admin;

import org.carebridge.gateway.delivery.ConnectionCheck;
import org.carebridge.gateway.delivery.DeliveryTemplates;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A partner's connection test, for the console's button and the admin API alike: the transport's own check (TLS
 * handshake, SFTP login, SMTP EHLO), nothing of any record sent.
 */
@Component
public class ConnectionTests {

    /** The result and the same in plain words for the page. */
    public record Tested(ConnectionCheck.Result result, String words) {
    }

    private final ObjectProvider<DeliveryTemplates> transports;
    private final PartnerRegistry registry;

    public ConnectionTests(ObjectProvider<DeliveryTemplates> transports, PartnerRegistry registry) {
        this.transports = transports;
        this.registry = registry;
    }

    /** @throws Refused when no partner in service with an endpoint has that id */
    public Tested test(String partnerId) {
        var partner = registry.byId(partnerId == null ? "" : partnerId).filter(p -> p.endpoint() != null)
                .orElseThrow(() -> new Refused("partner", "No partner with an endpoint is registered as " + safe(partnerId)));
        ConnectionCheck.Result result = transports.getObject().checkConnection(partner);
        String words = result.passed()
                ? "The connection to " + partner.name() + " works: the " + result.check() + " with " + partner.endpoint().url()
                  + " succeeded in " + result.millis() + " ms (" + result.outcome() + "). Nothing was sent."
                : "The connection to " + partner.name() + " failed: the " + result.check() + " with " + partner.endpoint().url()
                  + " did not succeed (" + result.outcome() + "). Nothing was sent; copies for it wait and are retried.";
        return new Tested(result, words);
    }

    private static String safe(String value) {
        return value == null || value.length() > 64 || !value.matches("[A-Za-z0-9._-]+") ? "given" : "'" + value + "'";
    }
}
