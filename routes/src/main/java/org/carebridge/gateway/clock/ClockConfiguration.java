package org.carebridge.gateway.clock;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.security.config.SchemaCheck;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.partner.Partner;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The clock rules and calendar from the config folder, and the time source (a bean, so another can replace it). */
@Configuration(proxyBeanMethods = false)
public class ClockConfiguration {

    /**
     * The node's time. {@code carebridge.cluster.clock-offset} sets it off the system clock, as a node whose clock is
     * wrong would be (the clock-skew test); what is judged across nodes reads the database's clock instead.
     */
    @Bean
    @ConditionalOnMissingBean(Clock.class)
    Clock clock(@Value("${carebridge.cluster.clock-offset:0s}") Duration offset) {
        return offset.isZero() ? Clock.systemUTC() : Clock.offset(Clock.systemUTC(), offset);
    }

    @Bean
    ClockRules clockRules(CarebridgeProperties properties, EventCatalogue events, List<Partner> registeredPartners, FhirContext fhir) {
        return ClockRules.load(properties.configDir().resolve("clocks.yaml"),
                new SchemaCheck(properties.configDir().resolve("schema/clocks.schema.json")), events.codes(),
                registeredPartners.stream().map(Partner::id).collect(Collectors.toSet()), fhir);
    }
}
