package org.carebridge.gateway.intake;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Intake: check, decide recipients, store durably, hand each copy to delivery. Runs on the caller's thread. The checks
 * and the decision are a route of their own ({@value #DECIDE_ENDPOINT}), which every record takes, whichever door it
 * came in by: a message posted over HTTPS here, each message of a partner's file in {@link FileIntakeRoute}.
 */
@Component
public class IntakeRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:intake";
    public static final String ROUTE_ID = "intake";
    public static final String DECIDE_ENDPOINT = "direct:intake-decide";
    public static final String DECIDE_ROUTE_ID = "intake-decide";

    @Override
    public void configure() {
        from(ENDPOINT).routeId(ROUTE_ID)
                .routeConfigurationId("intake-errors")
                .to(DECIDE_ENDPOINT)
                .bean("recordStore", "store")
                .bean("deliveryDispatcher", "dispatch");

        from(DECIDE_ENDPOINT).routeId(DECIDE_ROUTE_ID)
                .routeConfigurationId("intake-errors")
                .bean("suspendedSenders", "refuseSuspended")
                .bean("signedBodies", "open")
                .bean("messageBundleReader", "read")
                .bean("disclosureDecider", "decide");
    }
}
