package org.carebridge.gateway.delivery;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * Redelivery is the broker's: a copy whose attempt failed goes back to its partner's queue with a delay that grows by
 * the multiplier up to the maximum, while the consumer takes the next copy. The delivery route decides the last
 * attempt itself (it records the dead letter); the broker's own limit is a backstop a few attempts later, for a copy
 * whose dead-lettering could not be recorded, and sends it to the same {@code .dlq} queue.
 */
@Component
public class DeliveryBrokerSettings implements ArtemisConfigurationCustomizer {

    /** Attempts beyond {@code carebridge.delivery.max-attempts} before the broker dead-letters a copy itself. */
    static final int BACKSTOP_ATTEMPTS = 3;
    /** Where the broker dead-letters copies for a partner registered after the broker started. */
    static final String FALLBACK_DEAD_LETTERS = DeliveryDispatcher.QUEUE_PREFIX + "dead-letters";

    private final CarebridgeProperties.Delivery delivery;
    private final PartnerRegistry registry;

    public DeliveryBrokerSettings(CarebridgeProperties properties, PartnerRegistry registry) {
        this.delivery = properties.delivery();
        this.registry = registry;
    }

    @Override
    public void customize(org.apache.activemq.artemis.core.config.Configuration configuration) {
        settings().forEach(configuration::addAddressSetting);
        // the dead-letter queues exist before the broker first needs one: a dead-letter address without a queue drops
        for (String queue : deadLetterQueues()) {
            configuration.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
    }

    java.util.List<String> deadLetterQueues() {
        java.util.List<String> queues = new java.util.ArrayList<>();
        queues.add(FALLBACK_DEAD_LETTERS);
        registry.all().forEach(p -> queues.add(DeliveryDispatcher.deadLetterQueueFor(p.id())));
        return queues;
    }

    /** The address settings by match: one per partner queue, and a default for partners registered later. */
    public Map<String, AddressSettings> settings() {
        Map<String, AddressSettings> settings = new java.util.LinkedHashMap<>();
        // '*' is one word: it matches carebridge.delivery.<partner> but not the .dlq queues
        settings.put(DeliveryDispatcher.QUEUE_PREFIX + "*", redelivery().setDeadLetterAddress(SimpleString.of(FALLBACK_DEAD_LETTERS)));
        for (Partner partner : registry.all()) {
            settings.put(DeliveryDispatcher.queueFor(partner.id()),
                    redelivery().setDeadLetterAddress(SimpleString.of(DeliveryDispatcher.deadLetterQueueFor(partner.id()))));
        }
        return settings;
    }

    private AddressSettings redelivery() {
        return new AddressSettings()
                .setRedeliveryDelay(delivery.initialDelay().toMillis())
                .setRedeliveryMultiplier(delivery.multiplier())
                .setMaxRedeliveryDelay(delivery.maxDelay().toMillis())
                .setMaxDeliveryAttempts(delivery.maxAttempts() + BACKSTOP_ATTEMPTS);
    }
}
