package org.carebridge.gateway.delivery;

import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.carebridge.connectors.sftp.SftpOutboundRouteTemplate;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.carebridge.security.partner.Transport;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * SFTP: the copy (sealed, or a readable notice sealed) is written to the partner's inbox folder by the connector's
 * {@code outbound-sftp-<partner>} route, under a temporary name and renamed when complete.
 */
@Component
public class SftpDeliveryTemplate extends DeliveryTemplate {

    public static final String TEMPLATE_ID = "delivery-sftp";

    @Override
    public boolean carries(Transport transport) {
        return transport == Transport.SFTP;
    }

    @Override
    public String templateId() {
        return TEMPLATE_ID;
    }

    @Override
    protected void deliver(FilterDefinition copy) {
        copy.bean(OutboundCopies.class, "file")
                .to("direct:" + SftpOutboundRouteTemplate.TEMPLATE_ID + "-{{partner}}")
                .bean(OutboundCopies.class, "delivered");
    }

    @Override
    protected List<PartnerRoute> transportRoutes(Partner partner) {
        PartnerEndpoint endpoint = partner.endpoint();
        return List.of(new PartnerRoute(SftpOutboundRouteTemplate.TEMPLATE_ID, SftpOutboundRouteTemplate.routeId(partner.id()), Map.of(
                "partner", partner.id(),
                "host", endpoint.host(),
                "port", String.valueOf(endpoint.port()),
                "username", endpoint.login().username(),
                "password", Secrets.read(partner, endpoint.login().passwordFile()),
                "knownHostsFile", endpoint.login().knownHosts().toString(),
                "inbox", endpoint.folder())));
    }

    /** An SFTP login with the host key checked against known-hosts, and the inbox folder listed. */
    @Override
    public ConnectionCheck.Result checkConnection(Partner partner) {
        PartnerEndpoint endpoint = partner.endpoint();
        return ConnectionCheck.timed("sftp", "SFTP login", () -> {
            SshClient client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, endpoint.login().knownHosts()));
            client.start();
            try (ClientSession session = client.connect(endpoint.login().username(), endpoint.host(), endpoint.port())
                    .verify(Duration.ofSeconds(10)).getSession()) {
                session.addPasswordIdentity(Secrets.read(partner, endpoint.login().passwordFile()));
                session.auth().verify(Duration.ofSeconds(10));
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                    sftp.stat(endpoint.folder());
                }
                return "logged in; inbox folder '" + endpoint.folder() + "' found";
            } finally {
                client.stop();
            }
        });
    }
}
