package org.carebridge.gateway.delivery;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jms.connection.SingleConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * The gateway's Artemis client settings, on the connection factory every JMS session comes from:
 * <ul>
 *   <li>each consumer buffers at most {@code carebridge.urgent-lane.consumer-window-bytes} of messages ahead (by
 *   default Artemis buffers 1 MiB, some two thousand delivery orders). Orders buffered in a consumer are out of the
 *   broker's priority ordering, so with a deep buffer an urgent copy would still wait behind the bulk copies already
 *   handed to the consumer;</li>
 *   <li>a session looks each queue up on the broker once, not for every message sent to it: without this, each copy
 *   the dispatcher hands over costs a blocking round trip to the broker to ask whether its queue exists.</li>
 * </ul>
 */
@Component
class BrokerClientSettings implements BeanPostProcessor {

    private final int bytes;

    BrokerClientSettings(@Value("${carebridge.urgent-lane.consumer-window-bytes:4096}") int bytes) {
        this.bytes = bytes;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        Object target = bean instanceof SingleConnectionFactory caching ? caching.getTargetConnectionFactory() : bean;
        if (target instanceof ActiveMQConnectionFactory artemis) {
            artemis.setConsumerWindowSize(bytes);
            artemis.setCacheDestinations(true);
        }
        return bean;
    }
}
