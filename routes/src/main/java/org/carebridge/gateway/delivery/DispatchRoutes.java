package org.carebridge.gateway.delivery;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.errorhandler.SpringTransactionErrorHandlerDefinition;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.record.DeliveryOrder;
import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.stereotype.Component;

/**
 * The dispatcher relay as routes, on every node; none is a singleton, since each copy is claimed in the database
 * before it is sent, so two nodes never both send it:
 * <ul>
 *   <li>{@code delivery-dispatch} polls the {@link DeliveryDispatcher}'s in-memory queue for batches, greedily while
 *   there are orders, claims each batch's copies and hands those it won to {@code delivery-dispatch-send}; a batch the
 *   broker did not take is left to the sweep and the scheduler waits a second before polling again;</li>
 *   <li>{@code delivery-dispatch-send} puts a batch on the partners' queues in one local JMS transaction, urgent
 *   copies with JMS priority 9, and a copy to a partner that needs per-child order in its child's message group;</li>
 *   <li>{@code delivery-sweep} offers copies left undispatched for longer than {@code sweep-after} again;</li>
 *   <li>{@code delivery-recovery} does the same once, at start, for copies a crash left behind.</li>
 * </ul>
 */
@Component
public class DispatchRoutes extends RouteBuilder {

    static final String SEND = "direct:delivery-dispatch-send";
    private static final String TRANSACTION = "deliveryDispatchTransaction";

    private final ConnectionFactory connectionFactory;
    private final long sweepIntervalMillis;

    public DispatchRoutes(ConnectionFactory connectionFactory, CarebridgeProperties properties) {
        this.connectionFactory = connectionFactory;
        this.sweepIntervalMillis = Math.max(1, properties.delivery().sweepInterval().toMillis());
    }

    @Override
    public void configure() {
        // A JMS-only transaction manager in Camel's registry alone: as a Spring bean it would displace the database's.
        bindToRegistry(TRANSACTION, new SpringTransactionPolicy(new JmsTransactionManager(connectionFactory)));

        // An idle poll has already waited for orders (DeliveryDispatcher.nextBatch), so it counts as polled and greedy
        // polling goes on at once; only a failed hand-over marks the poll empty, and the scheduler waits its delay.
        from("scheduler:delivery-dispatch?initialDelay=0&delay=1000&greedy=true")
                .routeId("delivery-dispatch")
                .bean(DeliveryDispatcher.class, "nextBatch")
                .filter(body().isNotNull())
                    .doTry()
                        .bean(DeliveryDispatcher.class, "claim")
                        .to(SEND)
                        .bean(DeliveryDispatcher.class, "handedOver")
                    .doCatch(Exception.class)
                        .bean(DeliveryDispatcher.class, "notHandedOver")
                    .doFinally()
                        .bean(DeliveryDispatcher.class, "release")
                    .end()
                .end();

        from(SEND)
                .routeId("delivery-dispatch-send")
                .errorHandler(new SpringTransactionErrorHandlerDefinition().transactedPolicyRef(TRANSACTION)
                        // the dispatch route reports a batch the broker did not take, once
                        .rollbackLoggingLevel(LoggingLevel.DEBUG))
                .transacted(TRANSACTION)
                .split(body()).stopOnException()
                    .process(DispatchRoutes::order)
                    .toD("jms:queue:" + DeliveryDispatcher.QUEUE_PREFIX + "${header.recipient}?preserveMessageQos=true")
                .end();

        from("timer:delivery-sweep?delay=" + sweepIntervalMillis + "&period=" + sweepIntervalMillis)
                .routeId("delivery-sweep")
                .bean(DeliveryDispatcher.class, "sweep");

        from("timer:delivery-recovery?delay=1&repeatCount=1")
                .routeId("delivery-recovery")
                .bean(DeliveryDispatcher.class, "recoverAfterStart");
    }

    /** What the broker carries for one copy: its references as message properties, never the record. */
    static void order(Exchange exchange) {
        DeliveryOrder order = exchange.getIn().getBody(DeliveryOrder.class);
        var message = exchange.getIn();
        message.setBody(order.deliveryId().toString());
        message.setHeader("deliveryId", order.deliveryId().toString());
        message.setHeader("trackingId", order.trackingId().toString());
        message.setHeader("recipient", order.recipient());
        message.setHeader("event", order.event());
        message.setHeader("messageId", order.messageId());
        message.setHeader("urgent", order.urgent());
        message.setHeader("JMSPriority", order.urgent() ? DeliveryDispatcher.URGENT_PRIORITY : Message.DEFAULT_PRIORITY);
        message.setHeader("JMSDeliveryMode", DeliveryMode.PERSISTENT);
        if (order.childKey() != null) {
            // one child's copies to a partner that needs per-child order: one consumer at a time takes them (ChildOrder)
            message.setHeader(ChildOrder.GROUP, order.childKey());
            message.setHeader(ChildOrder.CHILD_KEY, order.childKey());
        }
    }
}
