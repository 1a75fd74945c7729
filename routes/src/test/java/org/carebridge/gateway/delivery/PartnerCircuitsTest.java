package org.carebridge.gateway.delivery;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.carebridge.connectors.https.DeliveryFailure;
import org.carebridge.gateway.seal.UndeliverableCopy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The circuit breaker as a route policy on a plain Camel route: milliseconds, no broker, no database. */
class PartnerCircuitsTest {

    private static final int THRESHOLD = 3;

    private final AtomicBoolean partnerUp = new AtomicBoolean();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private volatile int failWith = 503;
    private CamelContext camel;
    private PartnerCircuits circuits;
    private ProducerTemplate producer;

    @BeforeEach
    void start() throws Exception {
        circuits = new PartnerCircuits(new CircuitProperties(THRESHOLD, Duration.ofMillis(20), Duration.ofMillis(100)), partnerId -> {
            probes.incrementAndGet();
            return partnerUp.get();
        }, meters);
        camel = new DefaultCamelContext();
        // stopping a route does not wait for the copies queued behind it
        camel.getShutdownStrategy().setTimeout(1);
        camel.addRoutePolicyFactory(circuits);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("seda:copies").routeId("deliver-p1").process(exchange -> {
                    if ("held".equals(exchange.getIn().getBody())) {
                        // as ChildOrder holds a copy behind its child's earlier one: not tried
                        exchange.setProperty(ChildOrder.HELD, true);
                        return;
                    }
                    attempts.incrementAndGet();
                    if (!partnerUp.get()) {
                        throw new DeliveryFailure("p1", failWith, "partner answered HTTP " + failWith);
                    }
                    if ("undeliverable".equals(exchange.getIn().getBody())) {
                        throw new UndeliverableCopy("no certificate to protect the copy");
                    }
                    delivered.incrementAndGet();
                });
                from("seda:other").routeId("report").log("not a delivery route");
            }
        });
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        circuits.destroy();
    }

    @Test
    void afterConsecutiveFailuresCopiesWaitUntriedAndTheFirstGoodProbeResumesDelivery() {
        for (int i = 0; i < 20; i++) {
            producer.sendBody("seda:copies", "copy " + i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> circuits.isOpen("p1"));
        await().atMost(Duration.ofSeconds(5)).until(this::consumerHeld);
        int triedWhileDown = attempts.get();
        // the consumer is held off its own thread, so copies taken meanwhile are still tried; never all of them
        assertThat(triedWhileDown).isGreaterThanOrEqualTo(THRESHOLD).isLessThan(20);
        assertThat(meters.get("carebridge.delivery.circuit.open").tag("partner", "p1").gauge().value()).isEqualTo(1.0);
        // probes run, copies do not move
        int probesBefore = probes.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= probesBefore + 3);
        assertThat(attempts.get()).isEqualTo(triedWhileDown);
        assertThat(waiting()).isEqualTo(20 - triedWhileDown);

        NotifyBuilder drained = new NotifyBuilder(camel).fromRoute("deliver-p1").whenCompleted(20 - triedWhileDown).create();
        partnerUp.set(true);
        assertThat(drained.matches(30, TimeUnit.SECONDS)).isTrue();
        assertThat(delivered.get()).isEqualTo(20 - triedWhileDown);
        assertThat(circuits.isOpen("p1")).isFalse();
        assertThat(meters.get("carebridge.delivery.circuit.open").tag("partner", "p1").gauge().value()).isZero();
        assertThat(meters.get("carebridge.delivery.circuit.opened").tag("partner", "p1").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgainAndRefusalsOfOneCopyDoNotOpenTheCircuit() throws Exception {
        partnerUp.set(false);
        producer.sendBody("seda:copies", "a");
        producer.sendBody("seda:copies", "b");
        await().until(() -> attempts.get() == 2);
        partnerUp.set(true);
        producer.sendBody("seda:copies", "c");
        await().until(() -> delivered.get() == 1);
        partnerUp.set(false);
        producer.sendBody("seda:copies", "d");
        producer.sendBody("seda:copies", "e");
        await().until(() -> attempts.get() == 5);
        assertThat(circuits.view("p1").consecutiveFailures()).isEqualTo(2);
        assertThat(circuits.isOpen("p1")).isFalse();

        failWith = 422;
        for (int i = 0; i < 2 * THRESHOLD; i++) {
            producer.sendBody("seda:copies", "refused " + i);
        }
        await().until(() -> attempts.get() == 5 + 2 * THRESHOLD);
        assertThat(circuits.isOpen("p1")).isFalse();
        assertThat(circuits.view("p1").consecutiveFailures()).isZero();

        partnerUp.set(true);
        for (int i = 0; i < 2 * THRESHOLD; i++) {
            producer.sendBody("seda:copies", "undeliverable");
        }
        await().until(() -> attempts.get() == 5 + 4 * THRESHOLD);
        assertThat(circuits.isOpen("p1")).isFalse();
    }

    @Test
    void copiesHeldBehindTheirChildsEarlierCopyNeitherCountAsFailuresNorStartTheCountAgain() {
        partnerUp.set(false);
        for (String copy : new String[]{"a", "held", "b", "held", "held", "c"}) {
            producer.sendBody("seda:copies", copy);
        }
        // three failed attempts in a row, whatever was held between them
        await().atMost(Duration.ofSeconds(5)).until(() -> circuits.isOpen("p1"));
        assertThat(attempts.get()).isEqualTo(THRESHOLD);
    }

    @Test
    void aSuspendedPartnerStaysStoppedWhenItsCircuitClosesAndARouteStartedWhileOpenHoldsItsCopies() throws Exception {
        for (int i = 0; i < 10; i++) {
            producer.sendBody("seda:copies", "copy " + i);
        }
        await().until(() -> circuits.isOpen("p1"));
        await().until(this::consumerHeld);
        int triedBefore = attempts.get();

        // suspended by an operator while the circuit is open; the partner comes back
        camel.getRouteController().stopRoute("deliver-p1");
        partnerUp.set(true);
        await().until(() -> !circuits.isOpen("p1"));
        assertThat(camel.getRouteController().getRouteStatus("deliver-p1")).isEqualTo(ServiceStatus.Stopped);
        assertThat(waiting()).isEqualTo(10 - triedBefore);
        assertThat(attempts.get()).isEqualTo(triedBefore);

        // lifted while the partner is away again: the circuit opens on the next failures, and the consumer is held
        partnerUp.set(false);
        camel.getRouteController().startRoute("deliver-p1");
        // however many copies were taken before the hold, enough fail now to open the circuit again
        for (int i = 0; i < THRESHOLD; i++) {
            producer.sendBody("seda:copies", "later copy " + i);
        }
        await().until(() -> circuits.isOpen("p1"));
        await().until(this::consumerHeld);
        int tried = attempts.get();
        int probesBefore = probes.get();
        await().until(() -> probes.get() >= probesBefore + 3);
        assertThat(attempts.get()).isEqualTo(tried);

        // what is still queued drains on the partner's return; the hold is taken off the consumer's thread, so on a fast
        // machine every copy may have been tried (and, with seda, dropped) before it (a durable queue keeps them)
        int waitingNow = waiting();
        NotifyBuilder drained = new NotifyBuilder(camel).fromRoute("deliver-p1").whenCompleted(Math.max(1, waitingNow)).create();
        partnerUp.set(true);
        if (waitingNow > 0) {
            assertThat(drained.matches(30, TimeUnit.SECONDS)).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting() == 0);
        assertThat(delivered.get()).isEqualTo(waitingNow);
    }

    @Test
    void aRouteStartedWhileItsCircuitIsOpenHoldsItsConsumerAtOnce() throws Exception {
        for (int i = 0; i < 10; i++) {
            producer.sendBody("seda:copies", "copy " + i);
        }
        await().until(() -> circuits.isOpen("p1"));
        await().until(this::consumerHeld);
        camel.getRouteController().stopRoute("deliver-p1");
        camel.getRouteController().startRoute("deliver-p1");
        await().until(this::consumerHeld);
        assertThat(circuits.isOpen("p1")).isTrue();
    }

    private boolean consumerHeld() {
        return camel.getRoute("deliver-p1").getConsumer() instanceof org.apache.camel.SuspendableService consumer && consumer.isSuspended();
    }

    @Test
    void onlyDeliveryRoutesGetACircuit() {
        assertThat(camel.getRoute("report").getRoutePolicyList()).isEmpty();
        assertThat(camel.getRoute("deliver-p1").getRoutePolicyList()).containsExactly(circuits.circuit("p1"));
    }

    private int waiting() {
        return camel.getEndpoint("seda:copies", SedaEndpoint.class).getQueue().size();
    }
}
