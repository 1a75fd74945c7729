package org.carebridge.gateway.delivery;

/** Whether a partner's endpoint answers again, asked while its circuit is open. */
@FunctionalInterface
public interface EndpointProbe {

    boolean reachable(String partnerId);
}
