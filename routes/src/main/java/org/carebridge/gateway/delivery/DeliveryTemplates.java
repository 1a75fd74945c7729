package org.carebridge.gateway.delivery;

import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.partner.Partner;
import org.springframework.stereotype.Component;

import java.util.List;

/** The delivery templates, one per transport; a partner's routes come from the one that carries its endpoint's transport. */
@Component
public class DeliveryTemplates {

    private final List<DeliveryTemplate> templates;

    public DeliveryTemplates(List<DeliveryTemplate> templates) {
        this.templates = List.copyOf(templates);
    }

    public DeliveryTemplate of(Partner partner) {
        return templates.stream().filter(t -> t.carries(partner.endpoint().transport())).findFirst()
                .orElseThrow(() -> new ConfigurationException("partners.yaml", List.of("partner '" + partner.id()
                        + "': no delivery route template carries transport " + partner.endpoint().transport().code())));
    }

    /** The partner's outbound routes, in the order to add them. */
    public List<PartnerRoute> routes(Partner partner, boolean autoStartup) {
        return of(partner).routes(partner, autoStartup);
    }

    public ConnectionCheck.Result checkConnection(Partner partner) {
        return of(partner).checkConnection(partner).forPartner(partner.id());
    }
}
