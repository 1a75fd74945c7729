package org.carebridge.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.Transport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One transport's delivery route template: every {@code deliver-<partner>} route consumes its partner's durable queue
 * with client acknowledgement (a crash mid-delivery leaves the message on the queue), loads the copy, and hands it to
 * the transport; the shared {@code delivery-errors} configuration retries and dead-letters. A new transport is one more
 * subclass bean: it names the transports it carries, its template's own parameters, and what it does with a loaded copy.
 */
public abstract class DeliveryTemplate extends RouteBuilder {

    /** True for the endpoint transports this template delivers over. */
    public abstract boolean carries(Transport transport);

    /** The route template's id, {@code delivery-<transport>}. */
    public abstract String templateId();

    /** Declares the template's own parameters, beyond {@code partner}, {@code queue} and {@code autoStartup}. */
    protected void parameters(RouteTemplateDefinition template) {
    }

    /** Delivers the loaded copy (the body, a {@code PendingDelivery}) and records it as delivered. */
    protected abstract void deliver(FilterDefinition copy);

    /** The template's own parameter values for one partner. */
    protected Map<String, String> parameterValues(Partner partner) {
        return Map.of();
    }

    /** Routes the transport needs besides the delivery route (such as the connector's own), added before it. */
    protected List<PartnerRoute> transportRoutes(Partner partner) {
        return List.of();
    }

    /** A check that the partner's endpoint answers, with no copy sent. */
    public abstract ConnectionCheck.Result checkConnection(Partner partner);

    /** The partner's routes, in the order to add them: the transport's own first, the delivery route last. */
    public List<PartnerRoute> routes(Partner partner, boolean autoStartup) {
        Map<String, String> values = new LinkedHashMap<>(parameterValues(partner));
        values.put("partner", partner.id());
        values.put("queue", DeliveryDispatcher.queueFor(partner.id()));
        values.put("autoStartup", String.valueOf(autoStartup));
        List<PartnerRoute> routes = new java.util.ArrayList<>(transportRoutes(partner));
        routes.add(new PartnerRoute(templateId(), PartnerDeliveryControl.routeId(partner.id()), values));
        return routes;
    }

    @Override
    public void configure() {
        RouteTemplateDefinition template = routeTemplate(templateId())
                .templateParameter("partner")
                .templateParameter("queue")
                .templateParameter("autoStartup", "true");
        parameters(template);
        FilterDefinition copy = template
                // a consumer whose receive times out asks the broker once more (a forced delivery) before it waits
                // again, so the receive timeout sets what an idle queue's consumers cost the broker
                .from("jms:queue:{{queue}}?concurrentConsumers={{carebridge.delivery.concurrent-consumers}}"
                        + "&acknowledgementModeName={{carebridge.delivery.acknowledgement-mode:CLIENT_ACKNOWLEDGE}}"
                        + "&receiveTimeout={{carebridge.delivery.receive-timeout:5s}}")
                .routeConfigurationId("delivery-errors")
                .autoStartup("{{autoStartup}}")
                // a copy about a child whose earlier copy to this partner is still on its way is held (ChildOrder)
                .filter(method(ChildOrder.class, "admits"))
                .bean(DeliveryStore.class, "loadForDelivery(${header.deliveryId})")
                .filter(body().isNotNull());
        deliver(copy);
        copy.bean(ChildOrder.class, "moveOn");
        copy.end().end();
    }
}
