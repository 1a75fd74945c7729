package org.carebridge.gateway.mailbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.Transport;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Per mailbox partner: how many messages wait ({@code carebridge.mailbox.depth}) and how long the oldest has waited
 * ({@code carebridge.mailbox.oldest.age}, seconds; 0 when empty). Tagged by partner id only. Refreshed after each change
 * and on the expiry schedule, so a scrape never queries the database.
 */
@Component
public class MailboxMetrics {

    private final Mailbox mailbox;
    private final PartnerRegistry registry;
    private final MultiGauge depth;
    private final MultiGauge oldestAge;
    private final Clock clock = Clock.systemUTC();

    public MailboxMetrics(Mailbox mailbox, PartnerRegistry registry, MeterRegistry meters) {
        this.mailbox = mailbox;
        this.registry = registry;
        this.depth = MultiGauge.builder("carebridge.mailbox.depth").description("Messages waiting in a partner's mailbox")
                .baseUnit("messages").register(meters);
        this.oldestAge = MultiGauge.builder("carebridge.mailbox.oldest.age")
                .description("How long the oldest message in a partner's mailbox has waited").baseUnit("seconds").register(meters);
    }

    @EventListener(ApplicationReadyEvent.class)
    public synchronized void refresh() {
        Map<String, Mailbox.Depth> waiting = mailbox.depths().stream()
                .collect(Collectors.toMap(Mailbox.Depth::partnerId, Function.identity()));
        List<MultiGauge.Row<?>> depths = new ArrayList<>();
        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        for (Partner partner : registry.all()) {
            if (partner.endpoint() == null || partner.endpoint().transport() != Transport.MAILBOX) {
                continue;
            }
            Mailbox.Depth d = waiting.get(partner.id());
            Tags tags = Tags.of("partner", partner.id());
            depths.add(MultiGauge.Row.of(tags, d == null ? 0 : d.messages()));
            ages.add(MultiGauge.Row.of(tags, d == null ? 0 : Math.max(0, Duration.between(d.oldest(), clock.instant()).toSeconds())));
        }
        depth.register(depths, true);
        oldestAge.register(ages, true);
    }
}
