package org.carebridge.gateway.delivery;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.seal.UndeliverableCopy;
import org.springframework.stereotype.Component;

/**
 * Shared error handling. Deliveries: bounded exponential back-off, then the partner's dead-letter queue. Intake: no
 * handling at all, so a refusal reaches the caller as it was thrown.
 */
@Component
public class DeliveryErrorHandling extends RouteConfigurationBuilder {

    private final CarebridgeProperties.Delivery delivery;

    public DeliveryErrorHandling(CarebridgeProperties properties) {
        this.delivery = properties.delivery();
    }

    @Override
    public void configuration() {
        var deliveryErrors = routeConfiguration("delivery-errors");
        // no way to protect the copy (e.g. an expired certificate): retrying cannot help, so dead-letter at once
        deliveryErrors.onException(UndeliverableCopy.class).maximumRedeliveries(0);
        deliveryErrors
                .errorHandler(deadLetterChannel(DeadLetterRoute.ENDPOINT)
                        .useOriginalMessage()
                        .maximumRedeliveries(delivery.maxAttempts() - 1)
                        .redeliveryDelay(delivery.initialDelay().toMillis())
                        .useExponentialBackOff()
                        .backOffMultiplier(delivery.multiplier())
                        .maximumRedeliveryDelay(delivery.maxDelay().toMillis())
                        .onRedeliveryRef("deliveryRedeliveryRecorder")
                        .retryAttemptedLogLevel(LoggingLevel.DEBUG)
                        .logExhaustedMessageBody(false)
                        .logExhaustedMessageHistory(false)
                        .logStackTrace(false));

        routeConfiguration("intake-errors").errorHandler(noErrorHandler());
    }
}
