package org.carebridge.gateway.cluster;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each node's periodic jobs are timer routes with the periods configured for them, running on this node. */
class NodeJobsTest extends GatewayTest {

    @Autowired
    CamelContext camel;

    @Test
    void everyPeriodicJobIsAStartedTimerRouteWithItsConfiguredPeriod() {
        Map<String, Long> periods = Map.of(
                "job-clock-scan", 3_600_000L,          // the tests' carebridge.clocks.scan-interval, 1h
                "job-registry-follow", 5_000L,         // carebridge.registry.refresh
                "job-agreement-reload", 10_000L,
                "job-agreement-in-force", 3_600_000L,
                "job-certificate-watch", 60_000L,
                "job-mailbox-expiry", 3_600_000L,      // the tests' carebridge.mailbox.expiry-interval, 1h
                "job-copy-withdrawal-retry", 300_000L,
                "job-sign-in-forget", 900_000L,
                "job-refusal-tally", 3_600_000L,       // the tests' carebridge.audit.refusal-interval, 1h
                "job-demo-mailbox-pull", 3_600_000L);  // the tests' carebridge.demo-partners.mailbox-poll, 1h
        periods.forEach((routeId, period) -> {
            var route = camel.getRoute(routeId);
            assertThat(route).as(routeId).isNotNull();
            assertThat(camel.getRouteController().getRouteStatus(routeId)).as(routeId).isEqualTo(ServiceStatus.Started);
            assertThat(route.getEndpoint().getEndpointUri()).as(routeId).contains("period=" + period);
        });
    }
}
