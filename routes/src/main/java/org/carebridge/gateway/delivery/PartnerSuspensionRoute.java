package org.carebridge.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.carebridge.gateway.partner.PartnerSuspensions;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Every node follows the shared suspension table: each {@code carebridge.console.suspension-refresh} the
 * {@code partner-suspensions} route reads it again, then pauses or resumes this node's delivery routes to match, in that
 * order. Not a singleton: every node's routes must follow.
 */
@Component
public class PartnerSuspensionRoute extends RouteBuilder {

    private final long refreshMillis;

    public PartnerSuspensionRoute(@Value("${carebridge.console.suspension-refresh}") Duration refresh) {
        this.refreshMillis = Math.max(1, refresh.toMillis());
    }

    @Override
    public void configure() {
        from("timer:partner-suspensions?delay=" + refreshMillis + "&period=" + refreshMillis)
                .routeId("partner-suspensions")
                .bean(PartnerSuspensions.class, "reload")
                .bean(PartnerDeliveryControl.class, "follow");
    }
}
