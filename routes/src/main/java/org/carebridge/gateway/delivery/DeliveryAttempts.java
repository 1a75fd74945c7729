package org.carebridge.gateway.delivery;

import org.apache.camel.Exchange;
import org.carebridge.connectors.https.DeliveryFailure;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.record.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.UUID;

/** Records each failed attempt and the final dead-lettering, in words safe for a status page and a log. */
@Component("deliveryAttempts")
public class DeliveryAttempts {

    private static final Logger log = LoggerFactory.getLogger(DeliveryAttempts.class);

    private final DeliveryStore store;
    private final GatewayMetrics metrics;

    private final AuditTrail audit;

    public DeliveryAttempts(DeliveryStore store, GatewayMetrics metrics, AuditTrail audit) {
        this.audit = audit;
        this.store = store;
        this.metrics = metrics;
    }

    /** Called before each re-delivery, i.e. after a failed attempt. */
    public void failed(Exchange exchange) {
        String recipient = exchange.getIn().getHeader("recipient", String.class);
        store.markFailedAttempt(deliveryId(exchange), reason(exchange));
        audit.record(AuditFact.of(AuditKind.FAILED, "gateway", "delivery").tracking(exchange.getIn().getHeader("trackingId", String.class))
                .recipient(recipient).outcome("retrying", reason(exchange)));
        metrics.failed(recipient, exchange.getIn().getHeader("event", String.class));
        log.info("Delivery {} to {} failed (attempt {}): {}", deliveryId(exchange), recipient,
                exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER), reason(exchange));
    }

    /** Called once every attempt has failed; points the message at the partner's dead-letter queue. */
    public void deadLettered(Exchange exchange) {
        String recipient = exchange.getIn().getHeader("recipient", String.class);
        String event = exchange.getIn().getHeader("event", String.class);
        store.markDeadLettered(deliveryId(exchange), reason(exchange));
        audit.record(AuditFact.of(AuditKind.DEAD_LETTERED, "gateway", "delivery").tracking(exchange.getIn().getHeader("trackingId", String.class))
                .recipient(recipient).outcome("dead-lettered", reason(exchange)));
        metrics.failed(recipient, event);
        metrics.deadLettered(recipient, event);
        log.warn("Delivery {} to {} dead-lettered after its last attempt: {}", deliveryId(exchange), recipient, reason(exchange));
        exchange.getIn().setHeader("deadLetterQueue", DeliveryDispatcher.deadLetterQueueFor(recipient));
    }

    private static UUID deliveryId(Exchange exchange) {
        return UUID.fromString(exchange.getIn().getHeader("deliveryId", String.class));
    }

    private static String reason(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        if (cause instanceof DeliveryFailure failure) {
            return failure.getMessage();
        }
        // Other exceptions may quote data; only their type is recorded.
        return cause == null ? "unknown" : cause.getClass().getSimpleName();
    }
}
