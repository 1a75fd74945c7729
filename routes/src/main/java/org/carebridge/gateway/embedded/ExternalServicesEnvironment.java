package org.carebridge.gateway.embedded;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Embedded by default, external when configured: once {@code spring.artemis.broker-url} is set, the gateway connects to
 * that broker and starts none of its own. (The embedded PostgreSQL backs off the same way on {@code spring.datasource.url}.)
 */
public class ExternalServicesEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean externalBroker = !environment.getProperty("spring.artemis.broker-url", "").isBlank();
        environment.getPropertySources().addLast(new MapPropertySource("carebridge-broker-mode", Map.of(
                "spring.artemis.mode", externalBroker ? "native" : "embedded",
                "spring.artemis.embedded.enabled", String.valueOf(!externalBroker))));
    }
}
