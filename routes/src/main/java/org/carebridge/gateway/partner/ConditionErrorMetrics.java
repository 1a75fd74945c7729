package org.carebridge.gateway.partner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.security.decision.DecisionEngine;

/** Counts rule conditions that failed to evaluate (each denied with {@code condition-error}), by agreement and rule. */
public class ConditionErrorMetrics implements DecisionEngine.ConditionErrors {

    public static final String NAME = "carebridge.decisions.condition.errors";

    private final MeterRegistry registry;

    public ConditionErrorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void failed(String agreementId, int agreementVersion, String ruleId) {
        Counter.builder(NAME).description("Rule conditions that could not be evaluated; each denied with condition-error")
                .tags("agreement", agreementId, "rule", ruleId).register(registry).increment();
    }
}
