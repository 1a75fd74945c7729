package org.carebridge.gateway.intake;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** Intake: check, decide recipients, store durably, hand each copy to delivery. Runs on the caller's thread. */
@Component
public class IntakeRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:intake";
    public static final String ROUTE_ID = "intake";

    @Override
    public void configure() {
        from(ENDPOINT).routeId(ROUTE_ID)
                .routeConfigurationId("intake-errors")
                .bean("suspendedSenders", "refuseSuspended")
                .bean("signedBodies", "open")
                .bean("messageBundleReader", "read")
                .bean("disclosureDecider", "decide")
                .bean("recordStore", "store")
                .bean("deliveryDispatcher", "dispatch");
    }
}
