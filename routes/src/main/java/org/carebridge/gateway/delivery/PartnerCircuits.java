package org.carebridge.gateway.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A circuit breaker per partner, as a route policy on every {@code deliver-<partner>} route. After
 * {@code failure-threshold} consecutive failed attempts the route's consumer stops taking copies: they wait on the
 * partner's queue without using up attempts. While open, the partner's endpoint is probed every
 * {@code probe-interval}; the first good probe closes the circuit and the consumer takes copies again. A partner that
 * is suspended keeps its route stopped: closing the circuit starts nothing, and a route started while its circuit is
 * open holds its consumer at once.
 */
@Component
public class PartnerCircuits implements RoutePolicyFactory, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PartnerCircuits.class);
    private static final String ROUTE_PREFIX = "deliver-";

    public enum State { CLOSED, OPEN }

    /** What the console shows of one partner's circuit. */
    public record View(State state, int consecutiveFailures, Instant openedAt) {
        public static final View CLOSED = new View(State.CLOSED, 0, null);
    }

    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();
    private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "partner-probe");
        thread.setDaemon(true);
        return thread;
    });
    private final CircuitProperties settings;
    private final EndpointProbe probe;
    private final MeterRegistry meters;

    public PartnerCircuits(CircuitProperties settings, EndpointProbe probe, MeterRegistry meters) {
        this.settings = settings;
        this.probe = probe;
        this.meters = meters;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        if (routeId == null || !routeId.startsWith(ROUTE_PREFIX)) {
            return null;
        }
        return circuit(routeId.substring(ROUTE_PREFIX.length()));
    }

    /** The partner's circuit; a route replaced live keeps its partner's circuit. */
    Circuit circuit(String partnerId) {
        return circuits.computeIfAbsent(partnerId, Circuit::new);
    }

    public View view(String partnerId) {
        Circuit circuit = circuits.get(partnerId);
        return circuit == null ? View.CLOSED : circuit.view();
    }

    public boolean isOpen(String partnerId) {
        return view(partnerId).state() == State.OPEN;
    }

    @Override
    public void destroy() {
        probes.shutdownNow();
    }

    final class Circuit extends RoutePolicySupport {

        private final String partnerId;
        private final AtomicInteger consecutive = new AtomicInteger();
        private final Counter opened;
        private final Counter reachable;
        private final Counter unreachable;
        private volatile State state = State.CLOSED;
        private volatile Instant openedAt;
        private volatile Route route;
        private ScheduledFuture<?> probing;

        Circuit(String partnerId) {
            this.partnerId = partnerId;
            Gauge.builder("carebridge.delivery.circuit.open", this, c -> c.state == State.OPEN ? 1 : 0)
                    .description("1 while the partner's circuit is open: its copies wait and its endpoint is probed")
                    .tag("partner", partnerId).register(meters);
            this.opened = Counter.builder("carebridge.delivery.circuit.opened").description("Times the partner's circuit opened")
                    .tag("partner", partnerId).register(meters);
            this.reachable = probeCounter("reachable");
            this.unreachable = probeCounter("unreachable");
        }

        private Counter probeCounter(String outcome) {
            return Counter.builder("carebridge.delivery.circuit.probes").description("Probes of the partner's endpoint while its circuit was open")
                    .tag("partner", partnerId).tag("outcome", outcome).register(meters);
        }

        View view() {
            return new View(state, consecutive.get(), openedAt);
        }

        @Override
        public void onInit(Route route) {
            this.route = route;
        }

        @Override
        public void onStart(Route route) {
            this.route = route;
            if (state == State.OPEN) {
                probes.execute(this::holdConsumer);
            }
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            if (exchange.getProperty(ChildOrder.HELD, false, Boolean.class)) {
                // held behind its child's earlier copy: not tried, so it says nothing about the partner
                return;
            }
            Throwable cause = exchange.getException() != null ? exchange.getException()
                    : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (cause == null || DeliveryAttempts.answeredForThisCopy(cause)) {
                // delivered, or the partner answered about this copy alone: it is there
                consecutive.set(0);
            } else if (!DeliveryAttempts.undeliverable(cause) && consecutive.incrementAndGet() >= settings.failureThreshold()) {
                openCircuit();
            }
        }

        private synchronized void openCircuit() {
            if (state == State.OPEN) {
                return;
            }
            state = State.OPEN;
            openedAt = Instant.now();
            opened.increment();
            log.warn("Delivery to {} paused after {} consecutive failed attempts: its copies wait; probing its endpoint every {}",
                    partnerId, consecutive.get(), settings.probeInterval());
            probes.execute(this::holdConsumer);
            long every = settings.probeInterval().toMillis();
            probing = probes.scheduleWithFixedDelay(this::probe, every, every, TimeUnit.MILLISECONDS);
        }

        private void probe() {
            try {
                if (state != State.OPEN) {
                    return;
                }
                if (probe.reachable(partnerId)) {
                    reachable.increment();
                    closeCircuit();
                } else {
                    unreachable.increment();
                }
            } catch (RuntimeException e) {
                log.warn("Probe of {} failed: {}", partnerId, e.getClass().getSimpleName());
            }
        }

        private synchronized void closeCircuit() {
            state = State.CLOSED;
            consecutive.set(0);
            if (probing != null) {
                probing.cancel(false);
                probing = null;
            }
            Route current = route;
            ServiceStatus status = current == null ? null
                    : current.getCamelContext().getRouteController().getRouteStatus(current.getRouteId());
            if (status != null && status.isStarted()) {
                ServiceHelper.resumeService(current.getConsumer());
                log.info("Delivery to {} resumed: its endpoint answers again", partnerId);
            } else {
                log.info("{}'s endpoint answers again; its delivery route is stopped (suspended), so it stays stopped", partnerId);
            }
        }

        private void holdConsumer() {
            Route current = route;
            if (state == State.OPEN && current != null && current.getConsumer() != null) {
                ServiceHelper.suspendService(current.getConsumer());
            }
        }
    }
}
