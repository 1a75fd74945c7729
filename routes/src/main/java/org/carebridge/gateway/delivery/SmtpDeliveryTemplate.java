package org.carebridge.gateway.delivery;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import org.apache.camel.model.FilterDefinition;
import org.carebridge.connectors.smtp.SmtpOutboundRouteTemplate;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Secure email: the copy (FHIR JSON, or a readable notice) is signed by the gateway and encrypted to the partner's
 * encryption certificate as S/MIME, and sent by the connector's {@code outbound-smtp-<partner>} route.
 */
@Component
public class SmtpDeliveryTemplate extends DeliveryTemplate {

    public static final String TEMPLATE_ID = "delivery-smtp";

    @Override
    public boolean carries(org.carebridge.security.partner.Transport transport) {
        return transport == org.carebridge.security.partner.Transport.SMTP;
    }

    @Override
    public String templateId() {
        return TEMPLATE_ID;
    }

    @Override
    protected void deliver(FilterDefinition copy) {
        copy.bean(OutboundCopies.class, "email")
                .to("direct:" + SmtpOutboundRouteTemplate.TEMPLATE_ID + "-{{partner}}")
                .bean(OutboundCopies.class, "delivered");
    }

    @Override
    protected List<PartnerRoute> transportRoutes(Partner partner) {
        PartnerEndpoint endpoint = partner.endpoint();
        PartnerEndpoint.Login login = endpoint.login();
        return List.of(new PartnerRoute(SmtpOutboundRouteTemplate.TEMPLATE_ID, SmtpOutboundRouteTemplate.routeId(partner.id()), Map.of(
                "partner", partner.id(),
                "scheme", endpoint.url().getScheme(),
                "host", endpoint.host(),
                "port", String.valueOf(endpoint.port()),
                "login", login == null ? "" : SmtpOutboundRouteTemplate.login(login.username(), Secrets.read(partner, login.passwordFile())))));
    }

    /** SMTP connection and EHLO, and authentication where the partner's endpoint has a login; no message is sent. */
    @Override
    public ConnectionCheck.Result checkConnection(Partner partner) {
        PartnerEndpoint endpoint = partner.endpoint();
        PartnerEndpoint.Login login = endpoint.login();
        String scheme = endpoint.url().getScheme();
        return ConnectionCheck.timed("smtp", login == null ? "SMTP EHLO" : "SMTP EHLO and authentication", () -> {
            Properties settings = new Properties();
            settings.put("mail." + scheme + ".connectiontimeout", "10000");
            settings.put("mail." + scheme + ".timeout", "10000");
            settings.put("mail." + scheme + ".auth", String.valueOf(login != null));
            Session session = Session.getInstance(settings);
            try (Transport transport = session.getTransport(scheme)) {
                if (login == null) {
                    transport.connect(endpoint.host(), endpoint.port(), null, null);
                } else {
                    transport.connect(endpoint.host(), endpoint.port(), login.username(), Secrets.read(partner, login.passwordFile()));
                }
                return login == null ? "connected; the server answered EHLO" : "connected and authenticated";
            }
        });
    }
}
