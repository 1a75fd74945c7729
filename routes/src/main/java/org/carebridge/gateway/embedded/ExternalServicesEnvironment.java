package org.carebridge.gateway.embedded;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Embedded by default, external when configured: once {@code spring.artemis.broker-url} is set, the gateway connects to
 * that broker and starts none of its own. (The embedded PostgreSQL backs off the same way on {@code spring.datasource.url}.)
 * With the {@code production} profile, an embedded database or broker is refused unless
 * {@value #ALLOW_IN_PRODUCTION} is true: a laptop database under production data is a mistake, not a choice.
 */
public class ExternalServicesEnvironment implements EnvironmentPostProcessor {

    public static final String ALLOW_IN_PRODUCTION = "carebridge.embedded.allow-in-production";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean externalBroker = !environment.getProperty("spring.artemis.broker-url", "").isBlank();
        boolean externalDatabase = !environment.getProperty("spring.datasource.url", "").isBlank();
        if (environment.matchesProfiles("production") && !environment.getProperty(ALLOW_IN_PRODUCTION, Boolean.class, false)) {
            List<String> embedded = new ArrayList<>();
            if (!externalDatabase) {
                embedded.add("embedded PostgreSQL (spring.datasource.url / SPRING_DATASOURCE_URL is not set)");
            }
            if (!externalBroker) {
                embedded.add("embedded Artemis (spring.artemis.broker-url / SPRING_ARTEMIS_BROKER_URL is not set)");
            }
            if (!embedded.isEmpty()) {
                throw new EmbeddedInProduction(embedded);
            }
        }
        environment.getPropertySources().addLast(new MapPropertySource("carebridge-broker-mode", Map.of(
                "spring.artemis.mode", externalBroker ? "native" : "embedded",
                "spring.artemis.embedded.enabled", String.valueOf(!externalBroker))));
    }
}
