package org.carebridge.gateway.partner;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A rule condition that failed to evaluate is counted by agreement and rule, as Prometheus shows it. */
class ConditionErrorMetricsTest {

    @Test
    void eachFailedConditionIsCountedByAgreementAndRule() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConditionErrorMetrics metrics = new ConditionErrorMetrics(registry);

        metrics.failed("placement-notification", 2, "receiving-area-police");
        metrics.failed("placement-notification", 2, "receiving-area-police");
        metrics.failed("missing-episode", 1, "police-when-reported-missing");

        assertThat(registry.get(ConditionErrorMetrics.NAME).tags("agreement", "placement-notification", "rule", "receiving-area-police")
                .counter().count()).isEqualTo(2.0);
        assertThat(registry.get(ConditionErrorMetrics.NAME).tags("agreement", "missing-episode").counter().count()).isEqualTo(1.0);
    }
}
