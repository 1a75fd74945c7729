package org.carebridge.gateway.delivery;

import org.carebridge.gateway.record.DeliveryOrder;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's orders waiting for the broker: bounded, and never holding one delivery twice. An order that does
 * not fit is not lost: it is still undispatched in the database, and the sweep offers it again later. Urgent orders
 * wait in their own lane and are always taken before bulk ones, however many bulk orders arrived first.
 */
final class DispatchQueue {

    private final BlockingQueue<DeliveryOrder> urgent;
    private final BlockingQueue<DeliveryOrder> bulk;
    /** One permit per order in either lane, so a taker waits for whichever lane fills first. */
    private final Semaphore available = new Semaphore(0);
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    /** Orders offered again while held, offered once more when released (a copy held in its child's sequence). */
    private final java.util.Map<UUID, DeliveryOrder> again = new ConcurrentHashMap<>();

    DispatchQueue(int capacity) {
        this.bulk = new ArrayBlockingQueue<>(capacity);
        this.urgent = new ArrayBlockingQueue<>(Math.max(1, capacity / 10));
    }

    /** @return how many of the orders were taken (already held ones count as taken, not twice) */
    int offer(Collection<DeliveryOrder> offered) {
        return offer(offered, false);
    }

    /**
     * As {@link #offer(Collection)}; with {@code afterRelease}, an order already held is queued once more when its
     * batch is released: a copy held in its child's sequence may be released while the batch that first sent it is
     * still being marked sent.
     */
    int offer(Collection<DeliveryOrder> offered, boolean afterRelease) {
        int taken = 0;
        for (DeliveryOrder order : offered) {
            if (!held.add(order.deliveryId())) {
                if (afterRelease) {
                    again.put(order.deliveryId(), order);
                }
                taken++;
                continue;
            }
            // an urgent order that finds its lane full waits with the bulk rather than for the sweep
            if ((order.urgent() && urgent.offer(order)) || bulk.offer(order)) {
                available.release();
                taken++;
            } else {
                held.remove(order.deliveryId());
            }
        }
        return taken;
    }

    DeliveryOrder poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (!available.tryAcquire(timeout, unit)) {
            return null;
        }
        DeliveryOrder order = urgent.poll();
        return order != null ? order : bulk.poll();
    }

    /** Adds up to {@code max} more orders, urgent ones first. */
    void drainTo(Collection<DeliveryOrder> batch, int max) {
        int drained = urgent.drainTo(batch, max);
        if (drained < max) {
            drained += bulk.drainTo(batch, max - drained);
        }
        // each order's permit is released just after it is queued
        available.acquireUninterruptibly(drained);
    }

    /**
     * The batch has been sent, or has failed and is left to the sweep: either way it is no longer held here. An order
     * offered again meanwhile is queued now; its claim decides whether it is still to be sent.
     */
    void release(List<DeliveryOrder> batch) {
        batch.forEach(order -> held.remove(order.deliveryId()));
        if (!again.isEmpty()) {
            List<DeliveryOrder> offered = batch.stream().map(order -> again.remove(order.deliveryId()))
                    .filter(java.util.Objects::nonNull).toList();
            if (!offered.isEmpty()) {
                offer(offered);
            }
        }
    }

    int remainingCapacity() {
        return bulk.remainingCapacity();
    }

    boolean isEmpty() {
        return urgent.isEmpty() && bulk.isEmpty();
    }

    int size() {
        return urgent.size() + bulk.size();
    }
}
