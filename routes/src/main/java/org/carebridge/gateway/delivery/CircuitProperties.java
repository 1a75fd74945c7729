package org.carebridge.gateway.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The circuit breaker of each partner's delivery (README, "Partners that go away").
 *
 * @param failureThreshold consecutive failed attempts after which the partner's consumer stops taking copies
 * @param probeInterval    how often an open circuit probes the partner's endpoint
 * @param probeTimeout     how long one probe waits for the connection and the answer
 */
@ConfigurationProperties("carebridge.delivery.circuit")
public record CircuitProperties(int failureThreshold, Duration probeInterval, Duration probeTimeout) {
}
