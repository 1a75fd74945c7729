package org.carebridge.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The partners' delivery routes at start-up, one {@code deliver-<partner>} route per partner from its transport's
 * template ({@link DeliveryTemplate}), consuming that partner's durable queue, so a partner that is down holds back only
 * its own copies. While the gateway runs, {@code PartnerRoutes} adds, replaces and removes them.
 */
@Component
public class PartnerDeliveryRoutes extends RouteBuilder {

    private static final Logger log = LoggerFactory.getLogger(PartnerDeliveryRoutes.class);

    private final PartnerRegistry registry;
    private final DeliveryTemplates templates;

    public PartnerDeliveryRoutes(PartnerRegistry registry, DeliveryTemplates templates) {
        this.registry = registry;
        this.templates = templates;
    }

    @Override
    public void configure() {
        for (Partner partner : registry.all()) {
            List<PartnerRoute> routes;
            try {
                routes = templates.routes(partner, true);
            } catch (ConfigurationException e) {
                // one partner's unreadable login must not stop every other partner's deliveries; its copies wait
                log.error("Partner {} has no delivery route, its copies wait on its queue: {}", partner.id(), e.problems());
                continue;
            }
            for (PartnerRoute route : routes) {
                TemplatedRouteDefinition templated = templatedRoute(route.templateId()).routeId(route.routeId());
                route.parameters().forEach(templated::parameter);
            }
        }
    }
}
