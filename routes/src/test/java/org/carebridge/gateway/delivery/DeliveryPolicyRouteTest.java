package org.carebridge.gateway.delivery;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.carebridge.connectors.https.DeliveryFailure;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.agreement.AgreementRef;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.record.DeliveryOrder;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.record.PendingDelivery;
import org.carebridge.gateway.seal.UndeliverableCopy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The delivery policy as routes, in milliseconds: the shared {@code delivery-errors} configuration and a
 * {@code deliver-<partner>} route from the HTTPS template, with the partner's queue, the transport and the dead-letter
 * queue replaced by Camel endpoints through AdviceWith. No broker, no database: an exchange that ends failed is what the
 * broker would redeliver after its delay, and the attempt number is the broker's delivery count header.
 */
@CamelSpringBootTest
@SpringBootTest(classes = DeliveryPolicyRouteTest.DeliveryPolicy.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "carebridge.delivery.concurrent-consumers=1")
@UseAdviceWith
class DeliveryPolicyRouteTest {

    static final int MAX_ATTEMPTS = 4;
    private static final String PARTNER = "p1";
    private static final String ROUTE = PartnerDeliveryControl.routeId(PARTNER);

    /** What the test's partner does with a copy, by the copy's {@code answer} header. */
    static final String ANSWER = "answer";

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @Import({DeliveryErrorHandling.class, DeadLetterRoute.class, DeliveryAttempts.class, HttpsDeliveryTemplate.class})
    static class DeliveryPolicy {

        @Bean
        DeliveryStore deliveryStore() {
            DeliveryStore store = mock(DeliveryStore.class);
            when(store.loadForDelivery(anyString())).thenAnswer(call -> new PendingDelivery(
                    new DeliveryOrder(UUID.fromString(call.getArgument(0)), UUID.randomUUID(), PARTNER, "placement-notification", "m-1"),
                    "{}".getBytes(StandardCharsets.UTF_8), Instant.now(), new AgreementRef("test-agreement", 1)));
            return store;
        }

        /** Every copy here is about no child with an earlier copy waiting. */
        @Bean
        ChildOrder childOrder() {
            ChildOrder order = mock(ChildOrder.class);
            when(order.admits(any())).thenReturn(true);
            return order;
        }

        @Bean
        AuditTrail auditTrail() {
            return mock(AuditTrail.class);
        }

        @Bean
        GatewayMetrics gatewayMetrics() {
            return new GatewayMetrics(new SimpleMeterRegistry());
        }

        @Bean
        GatewayPki gatewayPki() throws Exception {
            GatewayPki pki = mock(GatewayPki.class);
            when(pki.clientContext()).thenReturn(SSLContext.getDefault());
            return pki;
        }

        @Bean
        CarebridgeProperties carebridgeProperties() {
            return new CarebridgeProperties(null, null, null, null, new CarebridgeProperties.Delivery(1, MAX_ATTEMPTS,
                    Duration.ofSeconds(1), 2, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1), 10,
                    Duration.ofSeconds(30), Duration.ofSeconds(15)), null);
        }
    }

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    DeliveryStore store;

    @EndpointInject("mock:partner")
    MockEndpoint partner;

    @EndpointInject("mock:dead-letters")
    MockEndpoint deadLetters;

    @BeforeEach
    void routesAdvisedOnce() throws Exception {
        MockEndpoint.resetMocks(camel);
        partner.whenAnyExchangeReceived(DeliveryPolicyRouteTest::answer);
        if (camel.isStarted()) {
            return;
        }
        TemplatedRouteBuilder.builder(camel, HttpsDeliveryTemplate.TEMPLATE_ID).routeId(ROUTE)
                .parameter("partner", PARTNER).parameter("queue", DeliveryDispatcher.queueFor(PARTNER)).parameter("autoStartup", "true")
                .add();
        AdviceWith.adviceWith(camel, ROUTE, route -> {
            route.replaceFromWith("direct:partner-queue");
            // the transport: the template's DisclosureSender
            route.weaveByToString(".*DisclosureSender.*").replace().to("mock:partner");
        });
        AdviceWith.adviceWith(camel, "dead-letter", route -> route.weaveByType(ToDynamicDefinition.class).replace().to("mock:dead-letters"));
        camel.start();
    }

    @Test
    void aTransientFailureGoesBackToTheBrokerAndTheNextCopyIsDeliveredMeanwhile() throws Exception {
        UUID unavailable = UUID.randomUUID();
        UUID unreachable = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        partner.expectedHeaderValuesReceivedInAnyOrder("deliveryId", unavailable.toString(), unreachable.toString(), next.toString());
        deadLetters.expectedMessageCount(0);
        NotifyBuilder notify = new NotifyBuilder(camel).fromRoute(ROUTE).whenFailed(2).and().whenCompleted(1).create();

        Exchange first = attempt(unavailable, 1, "503");
        Exchange second = attempt(unreachable, 1, "io");
        Exchange third = attempt(next, 1, "ok");

        assertThat(notify.matches(5, TimeUnit.SECONDS)).isTrue();
        partner.assertIsSatisfied();
        deadLetters.assertIsSatisfied();
        // failed, so the consumer rolls back and the broker offers them again after its delay: no retry in this thread
        assertThat(first.isFailed()).isTrue();
        assertThat(second.isFailed()).isTrue();
        assertThat(third.isFailed()).isFalse();
        assertThat(partner.getReceivedExchanges()).hasSize(3);
        verify(store).markFailedAttempt(unavailable, "delivery to partner 'p1' failed: partner answered HTTP 503");
        verify(store).markFailedAttempt(unreachable, "IOException");
        verify(store, never()).markDeadLettered(eq(unavailable), any());
        verify(store, never()).markFailedAttempt(eq(next), any());
    }

    @Test
    void aRefusalOfTheCopyItselfIsDeadLetteredAfterOneAttemptWithItsReason() throws Exception {
        UUID refused = UUID.randomUUID();
        expectDeadLetter(refused);
        NotifyBuilder notify = new NotifyBuilder(camel).fromRoute(ROUTE).whenCompleted(1).and().whenExactlyFailed(0).create();

        Exchange done = attempt(refused, 1, "422");

        assertThat(notify.matches(5, TimeUnit.SECONDS)).isTrue();
        deadLetters.assertIsSatisfied();
        assertThat(done.isFailed()).as("handled: the broker does not redeliver it").isFalse();
        assertThat(partner.getReceivedCounter()).isEqualTo(1);
        verify(store).markDeadLettered(refused, "delivery to partner 'p1' failed: partner answered HTTP 422");
        verify(store, never()).markFailedAttempt(eq(refused), any());
    }

    @Test
    void aPartnerSideRefusalIsRetriedLikeAnOutage() throws Exception {
        UUID throttled = UUID.randomUUID();
        deadLetters.expectedMessageCount(0);

        Exchange done = attempt(throttled, 1, "429");

        deadLetters.assertIsSatisfied();
        assertThat(done.isFailed()).isTrue();
        verify(store).markFailedAttempt(throttled, "delivery to partner 'p1' failed: partner answered HTTP 429");
    }

    @Test
    void aCopyThatCannotBeProtectedIsDeadLetteredAtOnce() throws Exception {
        UUID undeliverable = UUID.randomUUID();
        expectDeadLetter(undeliverable);

        Exchange done = attempt(undeliverable, 1, "undeliverable");

        deadLetters.assertIsSatisfied();
        assertThat(done.isFailed()).isFalse();
        verify(store).markDeadLettered(undeliverable, "UndeliverableCopy");
    }

    @Test
    void theLastAttemptIsDeadLetteredAndTheOneBeforeItIsNot() throws Exception {
        UUID copy = UUID.randomUUID();
        expectDeadLetter(copy);
        NotifyBuilder notify = new NotifyBuilder(camel).fromRoute(ROUTE).whenFailed(1).and().whenCompleted(1).create();

        Exchange beforeLast = attempt(copy, MAX_ATTEMPTS - 1, "503");
        Exchange last = attempt(copy, MAX_ATTEMPTS, "503");

        assertThat(notify.matches(5, TimeUnit.SECONDS)).isTrue();
        deadLetters.assertIsSatisfied();
        assertThat(beforeLast.isFailed()).isTrue();
        assertThat(last.isFailed()).isFalse();
        verify(store).markFailedAttempt(copy, "delivery to partner 'p1' failed: partner answered HTTP 503");
        verify(store).markDeadLettered(copy, "delivery to partner 'p1' failed: partner answered HTTP 503");
    }

    @Test
    void aDeliveryKeepsNoCopyOfTheOrderItCameAs() throws Exception {
        UUID copy = UUID.randomUUID();
        partner.expectedMessageCount(1);

        Exchange done = attempt(copy, 1, "ok");

        partner.assertIsSatisfied();
        assertThat(done.isFailed()).isFalse();
        // the dead-letter path rebuilds the order from its own id: with useOriginalMessage in any error handler Camel
        // switches this on, and then copies every message of every route as it arrives
        assertThat(camel.isAllowUseOriginalMessage()).isFalse();
    }

    private void expectDeadLetter(UUID deliveryId) {
        deadLetters.expectedMessageCount(1);
        deadLetters.expectedHeaderReceived("deliveryId", deliveryId.toString());
        deadLetters.expectedHeaderReceived("deadLetterQueue", DeliveryDispatcher.deadLetterQueueFor(PARTNER));
        // the order as it came off the partner's queue, not the loaded copy
        deadLetters.expectedBodiesReceived(deliveryId.toString());
    }

    /** One delivery of the copy's order from the partner's queue, as the broker's {@code attempt}-th. */
    private Exchange attempt(UUID deliveryId, int attempt, String answer) {
        return producer.send("direct:partner-queue", exchange -> {
            exchange.getIn().setBody(deliveryId.toString());
            exchange.getIn().setHeader("deliveryId", deliveryId.toString());
            exchange.getIn().setHeader("trackingId", UUID.randomUUID().toString());
            exchange.getIn().setHeader("recipient", PARTNER);
            exchange.getIn().setHeader("event", "placement-notification");
            exchange.getIn().setHeader("JMSXDeliveryCount", attempt);
            exchange.getIn().setHeader(ANSWER, answer);
        });
    }

    private static void answer(Exchange exchange) throws Exception {
        switch (exchange.getIn().getHeader(ANSWER, String.class)) {
            case "ok" -> { }
            case "io" -> throw new IOException("connection reset");
            case "undeliverable" -> throw new UndeliverableCopy("no certificate to protect the copy");
            default -> {
                int status = Integer.parseInt(exchange.getIn().getHeader(ANSWER, String.class));
                throw new DeliveryFailure(PARTNER, status, "partner answered HTTP " + status);
            }
        }
    }
}
