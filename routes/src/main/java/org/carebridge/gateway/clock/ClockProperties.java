package org.carebridge.gateway.clock;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Record clocks ({@code carebridge.clocks}).
 *
 * @param scanInterval how often each node looks for clocks to warn or breach
 * @param batch clocks claimed per transaction
 */
@ConfigurationProperties("carebridge.clocks")
public record ClockProperties(Duration scanInterval, int batch) {

    public ClockProperties {
        scanInterval = scanInterval == null ? Duration.ofSeconds(30) : scanInterval;
        batch = batch <= 0 ? 500 : batch;
    }
}
