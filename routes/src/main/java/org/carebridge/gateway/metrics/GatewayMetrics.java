package org.carebridge.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;

/** Counts and times by partner id and event code only: never anything about a child. */
@Component
public class GatewayMetrics {

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void received(String sender, String event) {
        counter("carebridge.records.received", "Records accepted at intake", "partner", sender, "event", event).increment();
    }

    public void rejected(String reason) {
        counter("carebridge.records.rejected", "Records refused at intake", "reason", reason).increment();
    }

    public void delivered(String recipient, String event, Duration sinceReceived) {
        counter("carebridge.deliveries.delivered", "Copies delivered", "partner", recipient, "event", event).increment();
        Timer.builder("carebridge.delivery.latency")
                .description("From intake to delivery of a copy")
                .tags("partner", recipient, "event", event)
                .publishPercentileHistogram()
                .register(registry)
                .record(sinceReceived);
    }

    /** A copy whose delivery failed: counted once, at its first failed attempt. */
    public void failed(String recipient, String event) {
        counter("carebridge.deliveries.failed", "Copies whose delivery failed at least once", "partner", recipient, "event", event).increment();
    }

    public void failedAttempt(String recipient, String event) {
        counter("carebridge.delivery.attempts.failed", "Delivery attempts that failed", "partner", recipient, "event", event).increment();
    }

    public void deadLettered(String recipient, String event) {
        counter("carebridge.deliveries.dead.lettered", "Copies moved to a dead-letter queue", "partner", recipient, "event", event).increment();
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }
}
