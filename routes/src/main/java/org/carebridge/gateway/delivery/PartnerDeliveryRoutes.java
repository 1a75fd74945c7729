package org.carebridge.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

/**
 * One route per partner, consuming that partner's durable queue, so a partner that is down holds back only its own
 * copies. A message is acknowledged only after the copy was delivered or dead-lettered (client acknowledgement), so a
 * crash mid-delivery leaves it on the queue.
 */
@Component
public class PartnerDeliveryRoutes extends RouteBuilder {

    private final PartnerRegistry registry;

    public PartnerDeliveryRoutes(PartnerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure() {
        for (Partner partner : registry.all()) {
            from("jms:queue:" + DeliveryDispatcher.queueFor(partner.id())
                    + "?concurrentConsumers={{carebridge.delivery.concurrent-consumers}}"
                    + "&acknowledgementModeName={{carebridge.delivery.acknowledgement-mode:CLIENT_ACKNOWLEDGE}}")
                    .routeId("deliver-" + partner.id())
                    .routeConfigurationId("delivery-errors")
                    .bean("deliveryStore", "loadForDelivery(${header.deliveryId})")
                    .filter(body().isNotNull())
                        .bean("disclosureSender", "send")
                    .end();
        }
    }
}
