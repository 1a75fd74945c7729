package org.carebridge.gateway.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.carebridge.connectors.sftp.SftpInboundRouteTemplate;
import org.carebridge.gateway.adapter.InboundRoutes;
import org.carebridge.gateway.delivery.DeliveryTemplates;
import org.carebridge.gateway.delivery.PartnerRoute;
import org.carebridge.gateway.partner.PartnerSuspensions;
import org.carebridge.security.partner.Partner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts, replaces and stops one partner's routes while the gateway runs: its delivery route ({@code deliver-<partner>})
 * with the routes of its transport, and its inbound route where it sends files of its own. Stopping a delivery route
 * lets copies mid-attempt finish or go back to the partner's durable queue, so nothing is lost while a partner's routes
 * are replaced. A suspended partner's delivery route is added stopped ({@code PartnerDeliveryControl} starts it on
 * resumption).
 */
@Component
public class PartnerRoutes {

    private static final Logger log = LoggerFactory.getLogger(PartnerRoutes.class);
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final CamelContext camel;
    private final DeliveryTemplates templates;
    private final InboundRoutes inbound;
    private final PartnerSuspensions suspensions;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public PartnerRoutes(CamelContext camel, DeliveryTemplates templates, InboundRoutes inbound, PartnerSuspensions suspensions) {
        this.camel = camel;
        this.templates = templates;
        this.inbound = inbound;
        this.suspensions = suspensions;
    }

    /** Adds and starts the partner's routes; a partner that already has routes has them replaced. */
    public void start(Partner partner) {
        replace(partner);
    }

    /** Stops and removes the partner's routes as they are, then adds them as the partner now is. */
    public void replace(Partner partner) {
        synchronized (lock(partner.id())) {
            remove(partner.id());
            List<PartnerRoute> routes = new ArrayList<>(templates.routes(partner, !suspensions.isSuspended(partner.id())));
            inbound.route(partner).ifPresent(routes::add);
            for (PartnerRoute route : routes) {
                TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(camel, route.templateId()).routeId(route.routeId());
                route.parameters().forEach(builder::parameter);
                builder.add();
            }
            log.info("Routes of partner {} started: {}", partner.id(), routes.stream().map(PartnerRoute::routeId).toList());
        }
    }

    /** Stops and removes the partner's routes, delivery first; its queued copies wait on its queue. */
    public void stop(String partnerId) {
        synchronized (lock(partnerId)) {
            List<String> removed = remove(partnerId);
            if (!removed.isEmpty()) {
                log.info("Routes of partner {} stopped: {}", partnerId, removed);
            }
        }
    }

    /** The ids of the partner's routes now in the gateway, delivery first. */
    public List<String> routeIds(String partnerId) {
        List<String> ids = new ArrayList<>();
        ids.add("deliver-" + partnerId);
        ids.add(SftpInboundRouteTemplate.routeId(partnerId));
        camel.getRoutes().stream().map(org.apache.camel.Route::getRouteId)
                .filter(id -> id.startsWith("outbound-") && id.endsWith("-" + partnerId)
                        && id.substring("outbound-".length(), id.length() - partnerId.length() - 1).matches("[a-z]+"))
                .forEach(ids::add);
        return ids.stream().filter(id -> camel.getRoute(id) != null).toList();
    }

    private List<String> remove(String partnerId) {
        List<String> ids = routeIds(partnerId);
        for (String id : ids) {
            try {
                camel.getRouteController().stopRoute(id, STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (!camel.removeRoute(id)) {
                    throw new IllegalStateException("route " + id + " could not be removed");
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("could not stop route " + id, e);
            }
        }
        if (ids.contains(SftpInboundRouteTemplate.routeId(partnerId))) {
            camel.getRegistry().unbind(SftpInboundRouteTemplate.filesBean(partnerId));
        }
        return ids;
    }

    private Object lock(String partnerId) {
        return locks.computeIfAbsent(partnerId, id -> new Object());
    }
}
