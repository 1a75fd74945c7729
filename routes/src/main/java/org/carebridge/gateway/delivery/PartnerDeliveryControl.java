package org.carebridge.gateway.delivery;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.carebridge.gateway.partner.PartnerSuspensions;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts and stops a partner's delivery route ({@code deliver-<partner>}) live, so that a suspended partner's copies
 * wait on its durable queue. A suspended partner's route is not started at all when the gateway starts, and each node
 * follows the shared suspension table every refresh, so a change made on another node holds here too.
 */
@Component
public class PartnerDeliveryControl implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PartnerDeliveryControl.class);
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final PartnerSuspensions suspensions;
    private final PartnerRegistry registry;
    private volatile CamelContext camel;

    public PartnerDeliveryControl(PartnerSuspensions suspensions, PartnerRegistry registry) {
        this.suspensions = suspensions;
        this.registry = registry;
    }

    public static String routeId(String partnerId) {
        return "deliver-" + partnerId;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        this.camel = camelContext;
        String suspended = suspensions.all().keySet().stream().map(PartnerDeliveryControl::routeId).sorted()
                .collect(Collectors.joining(","));
        if (!suspended.isEmpty()) {
            camelContext.setAutoStartupExcludePattern(suspended);
            log.info("Delivery routes not started, their partners being suspended: {}", suspended);
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        // nothing to do
    }

    /** Stops the partner's delivery route; copies in the middle of an attempt finish or go back to the queue. */
    public void pause(String partnerId) {
        CamelContext context = camel;
        if (context == null || context.getRoute(routeId(partnerId)) == null) {
            return;
        }
        try {
            if (!context.getRouteController().getRouteStatus(routeId(partnerId)).isStopped()) {
                context.getRouteController().stopRoute(routeId(partnerId), STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                log.info("Delivery to {} paused: the partner is suspended", partnerId);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + routeId(partnerId), e);
        }
    }

    public void resume(String partnerId) {
        CamelContext context = camel;
        if (context == null || context.getRoute(routeId(partnerId)) == null) {
            return;
        }
        try {
            ServiceStatus status = context.getRouteController().getRouteStatus(routeId(partnerId));
            if (status == null || !status.isStarted()) {
                context.getRouteController().startRoute(routeId(partnerId));
                log.info("Delivery to {} resumed", partnerId);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not start " + routeId(partnerId), e);
        }
    }

    /** True when the partner's delivery route is consuming its queue. */
    public boolean delivering(String partnerId) {
        CamelContext context = camel;
        if (context == null || context.getRoute(routeId(partnerId)) == null) {
            return false;
        }
        ServiceStatus status = context.getRouteController().getRouteStatus(routeId(partnerId));
        return status != null && status.isStarted();
    }

    /** Pauses and resumes routes as the shared suspension table says (the {@code partner-suspensions} route). */
    public void follow() {
        if (camel == null || !camel.isStarted()) {
            return;
        }
        for (Partner partner : registry.all()) {
            boolean suspended = suspensions.isSuspended(partner.id());
            if (suspended && delivering(partner.id())) {
                pause(partner.id());
            } else if (!suspended && !delivering(partner.id()) && camel.getRoute(routeId(partner.id())) != null) {
                resume(partner.id());
            }
        }
    }
}
