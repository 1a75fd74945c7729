package org.carebridge.gateway.delivery;

import org.apache.camel.Exchange;
import org.carebridge.gateway.record.ChildSequence;
import org.carebridge.gateway.record.DeliveryOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * Per-child order for partners that need it ({@code delivery-order: per-child}). The broker does most of it: a child's
 * copies carry its message group ({@code JMSXGroupID}), so one consumer, on one node, takes them one at a time while
 * other children's copies go to the other consumers. What the broker does not keep in order (a failed copy waiting out
 * its redelivery delay while the next one in its group is offered, an urgent copy ahead of its child's earlier bulk
 * ones, copies handed over by two nodes or by the sweep, a group moving to another consumer) is caught here against
 * the database: a copy whose child has an earlier copy to this partner not yet delivered, dead-lettered or erased is
 * taken off the broker and held, and handed over again when that copy is delivered or dead-lettered.
 */
@Component("childOrder")
public class ChildOrder {

    /** The broker's message group property. */
    static final String GROUP = "JMSXGroupID";
    static final String CHILD_KEY = "childKey";
    /** Exchange property: the copy was held, not tried (the partner's circuit counts it neither way). */
    static final String HELD = "carebridgeHeldInChildOrder";

    private static final Logger log = LoggerFactory.getLogger(ChildOrder.class);

    private final ChildSequence sequence;
    private final DeliveryDispatcher dispatcher;

    public ChildOrder(ChildSequence sequence, DeliveryDispatcher dispatcher) {
        this.sequence = sequence;
        this.dispatcher = dispatcher;
    }

    /** True when the copy may be delivered now; false when it was held behind an earlier copy about the same child. */
    public boolean admits(Exchange exchange) {
        String childKey = exchange.getIn().getHeader(CHILD_KEY, String.class);
        if (childKey == null) {
            return true;
        }
        UUID deliveryId = UUID.fromString(exchange.getIn().getHeader("deliveryId", String.class));
        if (!sequence.waitsForEarlier(deliveryId)) {
            return true;
        }
        sequence.hold(deliveryId);
        exchange.setProperty(HELD, true);
        String recipient = exchange.getIn().getHeader("recipient", String.class);
        log.debug("Delivery {} to {} held behind an earlier copy about the same child", deliveryId, recipient);
        // the earlier copy may have been delivered meanwhile, its release looking before this one was held
        if (!sequence.waitsForEarlier(deliveryId)) {
            release(recipient, childKey);
        }
        return false;
    }

    /** After a copy is delivered or dead-lettered: the copies held behind it go to the broker again. */
    public void moveOn(Exchange exchange) {
        String childKey = exchange.getIn().getHeader(CHILD_KEY, String.class);
        if (childKey != null) {
            release(exchange.getIn().getHeader("recipient", String.class), childKey);
        }
    }

    private void release(String recipient, String childKey) {
        List<DeliveryOrder> released = sequence.release(recipient, childKey);
        if (!released.isEmpty()) {
            dispatcher.dispatchAgain(released);
        }
    }
}
