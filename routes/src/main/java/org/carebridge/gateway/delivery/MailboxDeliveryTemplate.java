package org.carebridge.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.carebridge.gateway.mailbox.MailboxDeposit;
import org.carebridge.gateway.record.DeliveryStore;
import org.springframework.stereotype.Component;

/**
 * The route template for {@code endpoint.transport: mailbox}: the partner's durable queue, the copy loaded, then
 * {@link MailboxDeposit} instead of a post. Instantiate per partner as
 * {@code templatedRoute(TEMPLATE_ID).routeId("deliver-" + id).parameter("partner", id)}; until the per-transport templates
 * are wired, mailbox partners take the same path through {@code DisclosureSender}, which deposits the same way.
 */
@Component
public class MailboxDeliveryTemplate extends RouteBuilder {

    public static final String TEMPLATE_ID = "deliver-mailbox";

    private final DeliveryStore deliveries;
    private final MailboxDeposit deposit;

    public MailboxDeliveryTemplate(DeliveryStore deliveries, MailboxDeposit deposit) {
        this.deliveries = deliveries;
        this.deposit = deposit;
    }

    @Override
    public void configure() {
        routeTemplate(TEMPLATE_ID)
                .templateParameter("partner")
                .from("jms:queue:" + DeliveryDispatcher.queueFor("{{partner}}")
                        + "?concurrentConsumers={{carebridge.delivery.concurrent-consumers}}"
                        + "&acknowledgementModeName={{carebridge.delivery.acknowledgement-mode:CLIENT_ACKNOWLEDGE}}")
                .routeConfigurationId("delivery-errors")
                .bean(deliveries, "loadForDelivery(${header.deliveryId})")
                .filter(body().isNotNull())
                    .bean(deposit, "deposit(${body})")
                .end();
    }
}
