package org.carebridge.gateway.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.cluster.PostgresClusterService;
import org.carebridge.gateway.record.DeliveryOrder;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.record.StoredRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands stored copies to the partners' durable queues. The database commit at intake is what makes a record safe, so
 * the request does not wait for the broker: its orders wait here, in a bounded in-memory queue, for the
 * {@code delivery-dispatch} route ({@link DispatchRoutes}), which takes them in batches and sends each batch in one
 * broker transaction (one journal sync for many records). Orders that never reach the broker, after a crash or a
 * broker outage, are still marked undispatched in the database and are swept up at start and at intervals.
 */
@Component("deliveryDispatcher")
public class DeliveryDispatcher implements SmartLifecycle, DeliveryBacklog {

    public static final String QUEUE_PREFIX = "carebridge.delivery.";
    /** The broker delivers a partner's urgent copies before its bulk ones already waiting (JMS priority 0-9). */
    public static final int URGENT_PRIORITY = 9;

    private static final Logger log = LoggerFactory.getLogger(DeliveryDispatcher.class);
    /** The in-memory queue holds this many batches at most; the rest wait in the database for the sweep. */
    static final int QUEUED_BATCHES = 50;
    /**
     * How long an idle poll of the dispatch route waits for the first order of a batch. An order wakes it at once, so
     * this costs no latency: it only sets how often an idle node runs the route (and how long its stop may wait).
     */
    static final long IDLE_WAIT_MILLIS = 1000;
    private static final long DRAIN_AT_STOP_MILLIS = 10_000;

    private final DispatchQueue pending;
    private final AtomicLong undispatched = new AtomicLong();
    /** Orders taken from the queue whose batch has not yet been handed over or given up. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final DeliveryStore store;
    private final int batchSize;
    private final Duration sweepAfter;
    /** How long a claim holds off other dispatchers: a node that dies in the middle of a send loses its copies then. */
    private final Duration claimTimeout;
    /** Whose claim a copy carries while this node hands it to the broker. */
    private final String node;
    private volatile boolean running;

    public DeliveryDispatcher(DeliveryStore store, CarebridgeProperties properties, MeterRegistry meters,
                              PostgresClusterService cluster, @Value("${carebridge.delivery.claim-timeout:10s}") Duration claimTimeout) {
        this.node = cluster.nodeId();
        this.pending = new DispatchQueue(properties.delivery().dispatchBatch() * QUEUED_BATCHES);
        Gauge.builder("carebridge.delivery.undispatched", undispatched, AtomicLong::get)
                .description("Stored copies not yet handed to the broker").register(meters);
        this.store = store;
        this.batchSize = properties.delivery().dispatchBatch();
        this.sweepAfter = properties.delivery().sweepAfter();
        this.claimTimeout = claimTimeout;
    }

    public static String queueFor(String partnerId) {
        return QUEUE_PREFIX + partnerId;
    }

    public static String deadLetterQueueFor(String partnerId) {
        return queueFor(partnerId) + ".dlq";
    }

    public StoredRecord dispatch(StoredRecord record) {
        if (!record.duplicate()) {
            undispatched.addAndGet(record.deliveries().size());
        }
        pending.offer(record.deliveries());
        return record;
    }

    /** Stored copies not yet handed to the broker, as last counted in the database and kept up to date since. */
    @Override
    public long undispatched() {
        return undispatched.get();
    }

    /**
     * Hands stored copies to their partners' queues again (dead letters an operator re-delivers). They are already
     * marked undispatched in the database, so any the in-memory queue has no room for are swept up later.
     */
    public void dispatch(Collection<DeliveryOrder> orders) {
        undispatched.addAndGet(orders.size());
        pending.offer(orders);
    }

    /**
     * Hands copies held in their child's sequence to the broker again ({@link ChildOrder}); one still in a batch on its
     * way to the broker is queued again once that batch is done.
     */
    public void dispatchAgain(Collection<DeliveryOrder> orders) {
        undispatched.addAndGet(orders.size());
        pending.offer(orders, true);
    }

    /**
     * Picks up copies a crash left between the database and the broker (the {@code delivery-recovery} route, once at
     * start). Only those older than {@code sweep-after}: a younger one may be in another live node's queue on its way
     * to the broker, and taking it too would put it on the partner's queue twice, for two nodes to deliver at once.
     * A claimed copy is taken once its claim is older than {@code claim-timeout}, however young the copy.
     */
    public void recoverAfterStart() {
        undispatched.set(store.countUndispatched());
        List<DeliveryOrder> left = store.undispatched(sweepAfter, claimTimeout, pending.remainingCapacity());
        if (!left.isEmpty()) {
            log.info("Re-dispatching {} of {} stored copies that had not reached the broker", left.size(), undispatched.get());
            pending.offer(left);
        }
    }

    /** The {@code delivery-sweep} route, every {@code sweep-interval} on every node. */
    public void sweep() {
        undispatched.set(store.countUndispatched());
        int room = pending.remainingCapacity();
        if (room == 0) {
            return;
        }
        List<DeliveryOrder> left = store.undispatched(sweepAfter, claimTimeout, room);
        if (!left.isEmpty()) {
            int taken = pending.offer(left);
            log.warn("Re-dispatching {} stored copies that had not reached the broker after {} ({} undispatched in all)",
                    taken, sweepAfter, undispatched.get());
        }
    }

    /**
     * The next batch for the dispatch route, urgent orders first, or null when none came within a short wait. The
     * wait is the idle poll: the route's scheduler polls again at once either way.
     */
    public List<DeliveryOrder> nextBatch() throws InterruptedException {
        DeliveryOrder first = pending.poll(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
            return null;
        }
        List<DeliveryOrder> batch = new ArrayList<>(batchSize);
        batch.add(first);
        pending.drainTo(batch, batchSize - 1);
        inFlight.addAndGet(batch.size());
        return batch;
    }

    /**
     * Claims the batch's copies for this node just before they are sent: a copy this node has held for longer than
     * sweep-after may meanwhile have been swept up, claimed and sent by another node, and is then let go here. Another
     * node may take a claim over once it is older than {@code claim-timeout}.
     *
     * @return the orders this node won, to send
     */
    public List<DeliveryOrder> claim(List<DeliveryOrder> batch) {
        List<UUID> won = store.claimForDispatch(batch.stream().map(DeliveryOrder::deliveryId).toList(), node, claimTimeout);
        if (won.size() == batch.size()) {
            return batch;
        }
        Set<UUID> ours = new HashSet<>(won);
        List<DeliveryOrder> claimed = new ArrayList<>(won.size());
        List<DeliveryOrder> lost = new ArrayList<>(batch.size() - won.size());
        for (DeliveryOrder order : batch) {
            (ours.contains(order.deliveryId()) ? claimed : lost).add(order);
        }
        release(lost);
        undispatched.updateAndGet(n -> Math.max(0, n - lost.size()));
        log.debug("{} of {} copies were already handed to the broker by another dispatcher", lost.size(), batch.size());
        return claimed;
    }

    /** The batch is on the partners' queues. */
    public void handedOver(List<DeliveryOrder> batch) {
        if (batch.isEmpty()) {
            return;
        }
        store.markDispatched(batch.stream().map(DeliveryOrder::deliveryId).toList());
        undispatched.updateAndGet(n -> Math.max(0, n - batch.size()));
    }

    /**
     * The broker did not take the batch. Its orders are left undispatched in the database, for the sweep to hand over
     * once the broker is back; the route's scheduler waits its delay before the next poll.
     */
    public void notHandedOver(List<DeliveryOrder> batch, Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.warn("Could not hand {} copies to the broker ({}); they will be swept up", batch.size(),
                cause == null ? "unknown" : cause.getClass().getSimpleName());
        exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, false);
    }

    /** The batch has been sent, or has failed and is left to the sweep: either way it is no longer held here. */
    public void release(List<DeliveryOrder> batch) {
        pending.release(batch);
        inFlight.addAndGet(-batch.size());
    }

    /** Orders waiting in memory or in a batch on its way to the broker. */
    int holding() {
        return pending.size() + inFlight.get();
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Runs after the web server has stopped taking records and before Camel stops its routes: waits for the dispatch
     * route to hand over what is still held, so that it reaches the broker before the broker stops.
     */
    @Override
    public void stop() {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_AT_STOP_MILLIS);
        while (holding() > 0 && System.nanoTime() < until) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (holding() > 0) {
            log.warn("Stopping with {} copies not handed to the broker; they are swept up after restart", holding());
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stops after the web server (which stops taking records) and before Camel (MAX_VALUE - 2049) and the broker.
        return Integer.MAX_VALUE - 2048;
    }
}
