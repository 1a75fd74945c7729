package org.carebridge.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** After the last attempt: the copy's state says so, and its order waits on the partner's dead-letter queue. */
@Component
public class DeadLetterRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:dead-letter";

    @Override
    public void configure() {
        from(ENDPOINT).routeId("dead-letter")
                .bean("deliveryAttempts", "deadLettered")
                .toD("jms:queue:${header.deadLetterQueue}?deliveryPersistent={{carebridge.delivery.dead-letter-persistent:true}}")
                // a dead letter does not hold its child's later copies back: they go on (ChildOrder)
                .bean(ChildOrder.class, "moveOn");
    }
}
