package org.carebridge.gateway.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps each partner's routes in step with the live registry: a partner added gets its routes, a changed one has them
 * replaced (its transport's settings are route parameters), a retired one has them stopped, its copies left waiting on
 * its queue. Changes made on another node arrive here through the registry's follower.
 */
@Component
public class RegistryFollowingRoutes implements CamelContextConfiguration, PartnerRegistry.Listener {

    private static final Logger log = LoggerFactory.getLogger(RegistryFollowingRoutes.class);

    private final PartnerRegistry registry;
    private final PartnerRoutes routes;
    private volatile boolean started;

    public RegistryFollowingRoutes(PartnerRegistry registry, PartnerRoutes routes) {
        this.registry = registry;
        this.routes = routes;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // the routes of the partners registered now are built with the context
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        started = true;
        registry.addListener(this);
        startMissing();
    }

    /** Starts the routes of each partner that has none: one added since the routes were built, or one that failed then. */
    void startMissing() {
        for (Partner partner : registry.all()) {
            if (routes.routeIds(partner.id()).isEmpty()) {
                try {
                    routes.start(partner);
                } catch (ConfigurationException e) {
                    // as when the routes were built: this partner's copies wait on its queue, the others go on
                    log.error("Partner {} has no routes, its copies wait on its queue: {}", partner.id(), e.problems());
                }
            }
        }
    }

    @Override
    public void changed(Partner before, Partner after) {
        if (!started) {
            return;
        }
        if (after == null) {
            routes.stop(before.id());
        } else if (before == null) {
            routes.start(after);
        } else if (!before.equals(after)) {
            routes.replace(after);
        } else {
            log.debug("Partner {} changed nothing its routes use", after.id());
        }
    }
}
