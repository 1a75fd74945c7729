package org.carebridge.gateway.delivery;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.concurrent.TimeUnit;

/**
 * Follows the live registry: a partner added while running gets its {@code deliver-<partner>} route at once, defined
 * as {@link PartnerDeliveryRoutes} defines those of the partners registered at start; a retired partner's route is
 * stopped and removed (copies still on its queue stay there). An edited partner needs nothing here: the route reads
 * the partner's endpoint from the registry for each copy.
 */
@Component
public class LivePartnerDeliveryRoutes implements CamelContextConfiguration, PartnerRegistry.Listener {

    private static final Logger log = LoggerFactory.getLogger(LivePartnerDeliveryRoutes.class);

    private final PartnerRegistry registry;
    private volatile CamelContext camel;

    public LivePartnerDeliveryRoutes(PartnerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        this.camel = camelContext;
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        registry.addListener(this);
        // a partner added between building the routes and now
        registry.all().forEach(p -> changed(null, p));
    }

    @Override
    public synchronized void changed(Partner before, Partner after) {
        CamelContext context = camel;
        if (context == null) {
            return;
        }
        try {
            if (after != null && context.getRoute(PartnerDeliveryControl.routeId(after.id())) == null) {
                context.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("jms:queue:" + DeliveryDispatcher.queueFor(after.id())
                                + "?concurrentConsumers={{carebridge.delivery.concurrent-consumers}}"
                                + "&acknowledgementModeName={{carebridge.delivery.acknowledgement-mode:CLIENT_ACKNOWLEDGE}}")
                                .routeId(PartnerDeliveryControl.routeId(after.id()))
                                .routeConfigurationId("delivery-errors")
                                .bean("deliveryStore", "loadForDelivery(${header.deliveryId})")
                                .filter(body().isNotNull())
                                    .bean("disclosureSender", "send")
                                .end();
                    }
                });
                log.info("Delivery route started for new partner {}", after.id());
            } else if (after == null && before != null && context.getRoute(PartnerDeliveryControl.routeId(before.id())) != null) {
                String routeId = PartnerDeliveryControl.routeId(before.id());
                context.getRouteController().stopRoute(routeId, 10, TimeUnit.SECONDS);
                context.removeRoute(routeId);
                log.info("Delivery route removed for retired partner {}", before.id());
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not change the delivery route of partner "
                    + (after != null ? after.id() : before.id()), e);
        }
    }
}
