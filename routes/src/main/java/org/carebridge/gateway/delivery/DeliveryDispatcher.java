package org.carebridge.gateway.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.record.DeliveryOrder;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.record.StoredRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands stored copies to the partners' durable queues. The database commit at intake is what makes a record safe, so
 * the request does not wait for the broker: orders are batched into one broker transaction (one journal sync for many
 * records) on a background thread. Orders that never reach the broker, after a crash or a broker outage, are still
 * marked undispatched in the database and are swept up at start and at intervals.
 */
@Component("deliveryDispatcher")
public class DeliveryDispatcher implements SmartLifecycle, DeliveryBacklog {

    public static final String QUEUE_PREFIX = "carebridge.delivery.";
    /** The broker delivers a partner's urgent copies before its bulk ones already waiting (JMS priority 0-9). */
    public static final int URGENT_PRIORITY = 9;

    private static final Logger log = LoggerFactory.getLogger(DeliveryDispatcher.class);
    /** The in-memory queue holds this many batches at most; the rest wait in the database for the sweep. */
    static final int QUEUED_BATCHES = 50;

    private final DispatchQueue pending;
    private final AtomicLong undispatched = new AtomicLong();
    private final JmsTemplate jms;
    private final DeliveryStore store;
    private final int batchSize;
    private final Duration sweepAfter;
    private volatile boolean running;
    private Thread worker;

    public DeliveryDispatcher(ConnectionFactory connectionFactory, DeliveryStore store, CarebridgeProperties properties,
                              MeterRegistry meters) {
        this.pending = new DispatchQueue(properties.delivery().dispatchBatch() * QUEUED_BATCHES);
        Gauge.builder("carebridge.delivery.undispatched", undispatched, AtomicLong::get)
                .description("Stored copies not yet handed to the broker").register(meters);
        this.jms = new JmsTemplate(connectionFactory);
        this.jms.setSessionTransacted(true);
        this.store = store;
        this.batchSize = properties.delivery().dispatchBatch();
        this.sweepAfter = properties.delivery().sweepAfter();
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
    public void dispatch(java.util.Collection<DeliveryOrder> orders) {
        undispatched.addAndGet(orders.size());
        pending.offer(orders);
    }

    /**
     * Picks up copies a crash left between the database and the broker. Only those older than {@code sweep-after}: a
     * younger one may be in another live node's queue on its way to the broker, and taking it too would put it on the
     * partner's queue twice, for two nodes to deliver at once.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void recoverAfterStart() {
        undispatched.set(store.countUndispatched());
        List<DeliveryOrder> left = store.undispatched(sweepAfter, pending.remainingCapacity());
        if (!left.isEmpty()) {
            log.info("Re-dispatching {} of {} stored copies that had not reached the broker", left.size(), undispatched.get());
            pending.offer(left);
        }
    }

    @Scheduled(initialDelayString = "${carebridge.delivery.sweep-interval}", fixedDelayString = "${carebridge.delivery.sweep-interval}")
    public void sweep() {
        undispatched.set(store.countUndispatched());
        int room = pending.remainingCapacity();
        if (room == 0) {
            return;
        }
        List<DeliveryOrder> left = store.undispatched(sweepAfter, room);
        if (!left.isEmpty()) {
            int taken = pending.offer(left);
            log.warn("Re-dispatching {} stored copies that had not reached the broker after {} ({} undispatched in all)",
                    taken, sweepAfter, undispatched.get());
        }
    }

    private void run() {
        while (running || !pending.isEmpty()) {
            List<DeliveryOrder> batch = new ArrayList<>(batchSize);
            try {
                DeliveryOrder first = pending.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, batchSize - 1);
                send(batch);
                store.markDispatched(batch.stream().map(DeliveryOrder::deliveryId).toList());
                undispatched.updateAndGet(n -> Math.max(0, n - batch.size()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Left undispatched in the database; the sweep hands them over once the broker is back.
                log.warn("Could not hand {} copies to the broker ({}); they will be swept up", batch.size(), e.getClass().getSimpleName());
                pause();
            } finally {
                pending.release(batch);
            }
        }
    }

    private void send(List<DeliveryOrder> batch) {
        jms.execute(session -> {
            Map<String, MessageProducer> producers = new HashMap<>();
            try {
                for (DeliveryOrder order : batch) {
                    MessageProducer producer = producers.computeIfAbsent(order.recipient(), r -> producer(session, r));
                    producer.send(message(session, order), DeliveryMode.PERSISTENT,
                            order.urgent() ? URGENT_PRIORITY : Message.DEFAULT_PRIORITY, 0);
                }
                session.commit();
            } finally {
                for (MessageProducer producer : producers.values()) {
                    producer.close();
                }
            }
            return null;
        }, true);
    }

    static Message message(Session session, DeliveryOrder order) throws JMSException {
        Message message = session.createTextMessage(order.deliveryId().toString());
        message.setStringProperty("deliveryId", order.deliveryId().toString());
        message.setStringProperty("trackingId", order.trackingId().toString());
        message.setStringProperty("recipient", order.recipient());
        message.setStringProperty("event", order.event());
        message.setStringProperty("messageId", order.messageId());
        message.setBooleanProperty("urgent", order.urgent());
        return message;
    }

    private static MessageProducer producer(Session session, String recipient) {
        try {
            return session.createProducer(session.createQueue(queueFor(recipient)));
        } catch (JMSException e) {
            throw new IllegalStateException("cannot create producer", e);
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        worker = new Thread(this::run, "delivery-dispatcher");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void stop() {
        running = false;
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stops after the web server (which stops taking records) and before the broker.
        return Integer.MAX_VALUE - 2048;
    }
}
