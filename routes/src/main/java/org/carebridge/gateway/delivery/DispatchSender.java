package org.carebridge.gateway.delivery;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.carebridge.gateway.record.DeliveryOrder;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a batch of delivery orders on the partners' queues in one local JMS transaction: one journal sync on the broker
 * for the whole batch, and none of it on a queue unless all of it is. What the broker carries for one copy is its
 * references as message properties, never the record; urgent copies have JMS priority 9, and a copy to a partner that
 * needs per-child order is in its child's message group.
 */
@Component
public class DispatchSender {

    private final ConnectionFactory connectionFactory;

    public DispatchSender(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    public void send(List<DeliveryOrder> batch) throws JMSException {
        if (batch.isEmpty()) {
            return;
        }
        // the caching connection factory hands out its one shared connection and a pooled session; closing the
        // session without a commit rolls the batch back
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            Map<String, MessageProducer> producers = new HashMap<>();
            for (DeliveryOrder order : batch) {
                MessageProducer producer = producers.get(order.recipient());
                if (producer == null) {
                    Queue queue = session.createQueue(DeliveryDispatcher.queueFor(order.recipient()));
                    producer = session.createProducer(queue);
                    producers.put(order.recipient(), producer);
                }
                producer.send(message(session, order), DeliveryMode.PERSISTENT,
                        order.urgent() ? DeliveryDispatcher.URGENT_PRIORITY : Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
            }
            session.commit();
        }
    }

    static TextMessage message(Session session, DeliveryOrder order) throws JMSException {
        TextMessage message = session.createTextMessage(order.deliveryId().toString());
        message.setStringProperty("deliveryId", order.deliveryId().toString());
        message.setStringProperty("trackingId", order.trackingId().toString());
        message.setStringProperty("recipient", order.recipient());
        message.setStringProperty("event", order.event());
        message.setStringProperty("messageId", order.messageId());
        message.setBooleanProperty("urgent", order.urgent());
        if (order.childKey() != null) {
            message.setStringProperty(ChildOrder.GROUP, order.childKey());
            message.setStringProperty(ChildOrder.CHILD_KEY, order.childKey());
        }
        return message;
    }
}
