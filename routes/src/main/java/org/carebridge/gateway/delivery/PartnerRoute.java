package org.carebridge.gateway.delivery;

import java.util.Map;

/** One route a partner has, as a template and its parameters, so it can be made at start-up or added while running. */
public record PartnerRoute(String templateId, String routeId, Map<String, String> parameters) {

    public PartnerRoute {
        parameters = Map.copyOf(parameters);
    }
}
