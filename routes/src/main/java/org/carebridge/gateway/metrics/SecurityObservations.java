package org.carebridge.gateway.metrics;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * Spring Security's own observations are off: with them every filter of every chain runs inside an observation of
 * its own, several per request on the partner port, and nothing reads them. The gateway's request timers
 * ({@code http.server.requests}) and its own meters are unaffected.
 */
@Configuration(proxyBeanMethods = false)
class SecurityObservations {

    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
