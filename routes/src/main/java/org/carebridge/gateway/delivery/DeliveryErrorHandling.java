package org.carebridge.gateway.delivery;

import org.apache.camel.LoggingLevel;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Shared error handling. Deliveries never wait in the consumer's thread: a failed attempt is recorded and rolled back
 * (the route's client-acknowledged session is recovered), and the broker offers the copy again after its redelivery
 * delay ({@link DeliveryBrokerSettings}) while the consumer takes the next one. The last attempt, a copy that cannot
 * be protected and a partner's 4xx refusal of the copy go to the partner's dead-letter queue at once, recorded, as the
 * order they came as (its delivery id and its properties). No {@code useOriginalMessage()}: with it anywhere, Camel keeps
 * a copy of every message that enters any route of the context, for an order that is rebuilt from its own id.
 * Intake: no handling at all, so a refusal reaches the caller as it was thrown.
 */
@Component
public class DeliveryErrorHandling extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        Predicate lastAttempt = method("deliveryAttempts", "isFinal");
        var deliveryErrors = routeConfiguration("delivery-errors");
        deliveryErrors.errorHandler(defaultErrorHandler()
                .maximumRedeliveries(0)
                .logExhausted(false)
                .logStackTrace(false)
                .logExhaustedMessageBody(false)
                .logExhaustedMessageHistory(false)
                .retriesExhaustedLogLevel(LoggingLevel.DEBUG));
        deliveryErrors.onException(Exception.class)
                .handled(lastAttempt)
                .choice()
                    .when(lastAttempt).to(DeadLetterRoute.ENDPOINT)
                    .otherwise().bean("deliveryAttempts", "failed")
                .end();

        routeConfiguration("intake-errors").errorHandler(noErrorHandler());
    }
}
