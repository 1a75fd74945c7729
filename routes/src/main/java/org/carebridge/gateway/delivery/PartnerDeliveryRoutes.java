package org.carebridge.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

/**
 * The partners' delivery routes at start-up, one {@code deliver-<partner>} route per partner from its transport's
 * template ({@link DeliveryTemplate}), consuming that partner's durable queue, so a partner that is down holds back only
 * its own copies. While the gateway runs, {@code PartnerRoutes} adds, replaces and removes them.
 */
@Component
public class PartnerDeliveryRoutes extends RouteBuilder {

    private final PartnerRegistry registry;
    private final DeliveryTemplates templates;

    public PartnerDeliveryRoutes(PartnerRegistry registry, DeliveryTemplates templates) {
        this.registry = registry;
        this.templates = templates;
    }

    @Override
    public void configure() {
        for (Partner partner : registry.all()) {
            for (PartnerRoute route : templates.routes(partner, true)) {
                TemplatedRouteDefinition templated = templatedRoute(route.templateId()).routeId(route.routeId());
                route.parameters().forEach(templated::parameter);
            }
        }
    }
}
