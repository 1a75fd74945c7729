package org.carebridge.gateway.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Each partner's backlog as gauges: copies waiting (queued or retrying), retrying (at least one attempt failed),
 * dead-lettered, and the age of the oldest waiting copy. Counts by partner id only. Every gauge reads one shared
 * snapshot, taken by one grouped query at most once per {@code carebridge.delivery.backlog-refresh}, so a scrape costs
 * at most one query however many partners and scrapers there are.
 */
@Component
public class BacklogGauges {

    private record Snapshot(Map<String, DeliveryOverview.Backlog> backlog, Instant takenAt) {
    }

    private final DeliveryOverview overview;
    private final Duration refresh;
    private volatile Snapshot snapshot;

    public BacklogGauges(DeliveryOverview overview, PartnerRegistry registry, MeterRegistry meters,
                         @Value("${carebridge.delivery.backlog-refresh:10s}") Duration refresh) {
        this.overview = overview;
        this.refresh = refresh;
        for (Partner partner : registry.all()) {
            String id = partner.id();
            gauge(meters, "carebridge.delivery.backlog.waiting", "Copies waiting for delivery (queued or retrying)", id, DeliveryOverview.Backlog::waiting);
            gauge(meters, "carebridge.delivery.backlog.retrying", "Waiting copies of which at least one attempt failed", id, DeliveryOverview.Backlog::retrying);
            gauge(meters, "carebridge.delivery.backlog.dead.lettered", "Copies dead-lettered and not sent again", id, DeliveryOverview.Backlog::deadLettered);
            Gauge.builder("carebridge.delivery.backlog.oldest.age", this, g -> g.oldestAgeSeconds(id))
                    .description("Age of the oldest copy waiting for delivery (0 when none waits)")
                    .baseUnit("seconds").tag("partner", id).register(meters);
        }
    }

    private void gauge(MeterRegistry meters, String name, String description, String partnerId, ToDoubleFunction<DeliveryOverview.Backlog> value) {
        Gauge.builder(name, this, g -> value.applyAsDouble(g.backlog(partnerId))).description(description).tag("partner", partnerId).register(meters);
    }

    DeliveryOverview.Backlog backlog(String partnerId) {
        return current().backlog().getOrDefault(partnerId, DeliveryOverview.Backlog.EMPTY);
    }

    private double oldestAgeSeconds(String partnerId) {
        Instant oldest = backlog(partnerId).oldestWaiting();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
    }

    private Snapshot current() {
        Snapshot taken = snapshot;
        if (taken == null || taken.takenAt().plus(refresh).isBefore(Instant.now())) {
            synchronized (this) {
                taken = snapshot;
                if (taken == null || taken.takenAt().plus(refresh).isBefore(Instant.now())) {
                    taken = new Snapshot(overview.backlogByPartner(), Instant.now());
                    snapshot = taken;
                }
            }
        }
        return taken;
    }
}
