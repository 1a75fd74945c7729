package org.carebridge.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.carebridge.gateway.CarebridgeProperties;
import org.springframework.stereotype.Component;

/**
 * The dispatcher relay as routes, on every node; none is a singleton, since each copy is claimed in the database
 * before it is sent, so two nodes never both send it:
 * <ul>
 *   <li>{@code delivery-dispatch} polls the {@link DeliveryDispatcher}'s in-memory queue for batches, greedily while
 *   there are orders, claims each batch's copies and hands those it won to {@code delivery-dispatch-send}; a batch the
 *   broker did not take is left to the sweep and the scheduler waits a second before polling again;</li>
 *   <li>{@code delivery-dispatch-send} puts a batch on the partners' queues in one local JMS transaction
 *   ({@link DispatchSender}), urgent copies with JMS priority 9, and a copy to a partner that needs per-child order in
 *   its child's message group;</li>
 *   <li>{@code delivery-sweep} offers copies left undispatched for longer than {@code sweep-after} again;</li>
 *   <li>{@code delivery-recovery} does the same once, at start, for copies a crash left behind.</li>
 * </ul>
 */
@Component
public class DispatchRoutes extends RouteBuilder {

    static final String SEND = "direct:delivery-dispatch-send";

    private final long sweepIntervalMillis;

    public DispatchRoutes(CarebridgeProperties properties) {
        this.sweepIntervalMillis = Math.max(1, properties.delivery().sweepInterval().toMillis());
    }

    @Override
    public void configure() {
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

        // One JMS transaction per batch, sent through the JMS API rather than a Camel endpoint per copy: splitting the
        // batch into an exchange per copy and resolving a jms: endpoint for each cost the dispatcher several times the
        // send itself. A failed batch is rolled back whole and reported by the dispatch route.
        from(SEND)
                .routeId("delivery-dispatch-send")
                // the dispatch route reports a batch the broker did not take, once
                .errorHandler(noErrorHandler())
                .bean(DispatchSender.class, "send");

        from("timer:delivery-sweep?delay=" + sweepIntervalMillis + "&period=" + sweepIntervalMillis)
                .routeId("delivery-sweep")
                .bean(DeliveryDispatcher.class, "sweep");

        from("timer:delivery-recovery?delay=1&repeatCount=1")
                .routeId("delivery-recovery")
                .bean(DeliveryDispatcher.class, "recoverAfterStart");
    }
}
