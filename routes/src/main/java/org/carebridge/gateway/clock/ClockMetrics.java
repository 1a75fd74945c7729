package org.carebridge.gateway.clock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Clock metrics, tagged by event code, rule id and state only: never anything about a child. */
@Component
public class ClockMetrics {

    private final MeterRegistry registry;
    private final MultiGauge open;
    private final AtomicLong scanLagMillis = new AtomicLong();

    public ClockMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.open = MultiGauge.builder("carebridge.clocks.open")
                .description("Open record clocks (some permitted recipient still waiting), by event and state")
                .register(registry);
        Gauge.builder("carebridge.clocks.scan.lag", scanLagMillis, millis -> millis.get() / 1000.0).baseUnit("seconds")
                .description("In the last scan, how long after its deadline the latest breach alert was raised").register(registry);
    }

    public void scanned(Duration lag) {
        scanLagMillis.set(Math.max(0, lag.toMillis()));
    }

    public void started(String event, String rule) {
        counter("carebridge.clocks.started", "Record clocks started", event, rule).increment();
    }

    /** An operator warning: a clock rule's condition could not be evaluated, so the strictest clock was started. */
    public void failSafe(String event, String rule) {
        counter("carebridge.clocks.fail.safe", "Record clocks started fail-safe because a clock rule's condition could not be evaluated",
                event, rule).increment();
    }

    public void warned(String event, String rule) {
        counter("carebridge.clocks.warnings", "Record clocks that came within their warning time of the deadline", event, rule).increment();
    }

    public void breached(String event, String rule) {
        counter("carebridge.clocks.breaches", "Record clocks whose deadline passed before every permitted recipient had the record",
                event, rule).increment();
    }

    public void stopped(String event, String rule, boolean late) {
        Counter.builder("carebridge.clocks.stopped").description("Record clocks stopped: every permitted recipient has the record")
                .tags("event", event, "rule", rule, "outcome", late ? "late" : "in-time").register(registry).increment();
    }

    /** @param counts by [event, state]; clocks no longer counted drop to absent */
    public void open(Map<List<String>, Long> counts) {
        open.register(counts.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("event", e.getKey().get(0), "state", e.getKey().get(1)), e.getValue()))
                .toList(), true);
    }

    private Counter counter(String name, String description, String event, String rule) {
        return Counter.builder(name).description(description).tags("event", event, "rule", rule).register(registry);
    }
}
