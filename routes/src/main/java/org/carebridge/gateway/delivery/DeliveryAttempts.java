package org.carebridge.gateway.delivery;

import jakarta.jms.JMSException;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.carebridge.connectors.https.DeliveryFailure;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.seal.UndeliverableCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.UUID;

/**
 * Decides what a failed attempt means and records it, in words safe for a status page and a log. An attempt that is
 * not the copy's last is recorded and rolled back, so the broker offers the copy again after its redelivery delay; the
 * last attempt, a copy that cannot be protected, and a partner's refusal of this copy alone are dead-lettered.
 */
@Component("deliveryAttempts")
public class DeliveryAttempts {

    private static final Logger log = LoggerFactory.getLogger(DeliveryAttempts.class);
    /** 4xx answers about the partner's side rather than this copy: retried like an outage. */
    private static final Set<Integer> RETRIED_4XX = Set.of(401, 403, 404, 408, 425, 429);
    private static final String DELIVERY_COUNT = "JMSXDeliveryCount";

    private final DeliveryStore store;
    private final GatewayMetrics metrics;
    private final AuditTrail audit;
    private final int maxAttempts;

    public DeliveryAttempts(DeliveryStore store, GatewayMetrics metrics, AuditTrail audit, CarebridgeProperties properties) {
        this.audit = audit;
        this.store = store;
        this.metrics = metrics;
        this.maxAttempts = properties.delivery().maxAttempts();
    }

    /** True when the failed attempt is the copy's last: it goes to the dead-letter queue instead of back to the broker. */
    public boolean isFinal(Exchange exchange) {
        Throwable cause = cause(exchange);
        return undeliverable(cause) || answeredForThisCopy(cause) || attempt(exchange) >= maxAttempts;
    }

    /** No way to protect the copy (e.g. an expired certificate): retrying cannot help. */
    static boolean undeliverable(Throwable cause) {
        return unwrap(cause, UndeliverableCopy.class) != null;
    }

    /** The partner answered 4xx about this copy (not about its own state): retrying the same copy cannot help. */
    static boolean answeredForThisCopy(Throwable cause) {
        DeliveryFailure failure = unwrap(cause, DeliveryFailure.class);
        return failure != null && failure.status() >= 400 && failure.status() < 500 && !RETRIED_4XX.contains(failure.status());
    }

    /** Records an attempt that failed and will be tried again; the route then rolls back. */
    public void failed(Exchange exchange) {
        String recipient = exchange.getIn().getHeader("recipient", String.class);
        String event = exchange.getIn().getHeader("event", String.class);
        int attempt = attempt(exchange);
        store.markFailedAttempt(deliveryId(exchange), reason(exchange));
        audit.record(AuditFact.of(AuditKind.FAILED, "gateway", "delivery").tracking(exchange.getIn().getHeader("trackingId", String.class))
                .recipient(recipient).outcome("retrying", reason(exchange)));
        countFailure(recipient, event, attempt);
        log.info("Delivery {} to {} failed (attempt {} of {}): {}", deliveryId(exchange), recipient, attempt, maxAttempts, reason(exchange));
    }

    /** Records the dead-lettering of a copy and turns the message back into its order, for the partner's dead-letter queue. */
    public void deadLettered(Exchange exchange) {
        String recipient = exchange.getIn().getHeader("recipient", String.class);
        String event = exchange.getIn().getHeader("event", String.class);
        int attempt = attempt(exchange);
        store.markDeadLettered(deliveryId(exchange), reason(exchange));
        audit.record(AuditFact.of(AuditKind.DEAD_LETTERED, "gateway", "delivery").tracking(exchange.getIn().getHeader("trackingId", String.class))
                .recipient(recipient).outcome("dead-lettered", reason(exchange)));
        countFailure(recipient, event, attempt);
        metrics.deadLettered(recipient, event);
        log.warn("Delivery {} to {} dead-lettered at attempt {}: {}", deliveryId(exchange), recipient, attempt, reason(exchange));
        exchange.getIn().setHeader("deadLetterQueue", DeliveryDispatcher.deadLetterQueueFor(recipient));
        // the order's own body, as the dispatcher sent it, in place of the loaded copy
        exchange.getIn().setBody(exchange.getIn().getHeader("deliveryId", String.class));
    }

    private void countFailure(String recipient, String event, int attempt) {
        metrics.failedAttempt(recipient, event);
        if (attempt == 1) {
            // a copy counts once as failed, however many attempts it takes
            metrics.failed(recipient, event);
        }
    }

    /** This attempt's number: the broker's delivery count, which survives a restart of the gateway. */
    static int attempt(Exchange exchange) {
        Integer count = exchange.getIn().getHeader(DELIVERY_COUNT, Integer.class);
        if (count == null && exchange.getIn() instanceof JmsMessage jms && jms.getJmsMessage() != null) {
            try {
                count = jms.getJmsMessage().getIntProperty(DELIVERY_COUNT);
            } catch (JMSException | NumberFormatException e) {
                count = null;
            }
        }
        return count == null || count < 1 ? 1 : count;
    }

    private static Throwable cause(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return cause == null ? exchange.getException() : cause;
    }

    private static <T extends Throwable> T unwrap(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static UUID deliveryId(Exchange exchange) {
        return UUID.fromString(exchange.getIn().getHeader("deliveryId", String.class));
    }

    private static String reason(Exchange exchange) {
        Throwable cause = cause(exchange);
        DeliveryFailure failure = unwrap(cause, DeliveryFailure.class);
        if (failure != null) {
            return failure.getMessage();
        }
        // Other exceptions may quote data; only their type is recorded.
        return cause == null ? "unknown" : cause.getClass().getSimpleName();
    }
}
