package org.carebridge.gateway.delivery;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jms.connection.SingleConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Bounds how many bytes of messages Artemis buffers ahead in each consumer (by default 1 MiB, some two thousand
 * delivery orders). Orders buffered in a consumer are out of the broker's priority ordering, so with a deep buffer an
 * urgent copy would still wait behind the bulk copies already handed to the consumer.
 */
@Component
class BrokerConsumerWindow implements BeanPostProcessor {

    private final int bytes;

    BrokerConsumerWindow(@Value("${carebridge.urgent-lane.consumer-window-bytes:4096}") int bytes) {
        this.bytes = bytes;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        Object target = bean instanceof SingleConnectionFactory caching ? caching.getTargetConnectionFactory() : bean;
        if (target instanceof ActiveMQConnectionFactory artemis) {
            artemis.setConsumerWindowSize(bytes);
        }
        return bean;
    }
}
