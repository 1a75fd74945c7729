package org.carebridge.gateway.delivery;

import org.carebridge.gateway.record.DeliveryOrder;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's orders waiting for the broker: bounded, and never holding one delivery twice. An order that does
 * not fit is not lost: it is still undispatched in the database, and the sweep offers it again later.
 */
final class DispatchQueue {

    private final BlockingQueue<DeliveryOrder> orders;
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();

    DispatchQueue(int capacity) {
        this.orders = new ArrayBlockingQueue<>(capacity);
    }

    /** @return how many of the orders were taken (already held ones count as taken, not twice) */
    int offer(Collection<DeliveryOrder> offered) {
        int taken = 0;
        for (DeliveryOrder order : offered) {
            if (!held.add(order.deliveryId())) {
                taken++;
                continue;
            }
            if (orders.offer(order)) {
                taken++;
            } else {
                held.remove(order.deliveryId());
            }
        }
        return taken;
    }

    DeliveryOrder poll(long timeout, TimeUnit unit) throws InterruptedException {
        return orders.poll(timeout, unit);
    }

    void drainTo(Collection<DeliveryOrder> batch, int max) {
        orders.drainTo(batch, max);
    }

    /** The batch has been sent, or has failed and is left to the sweep: either way it is no longer held here. */
    void release(List<DeliveryOrder> batch) {
        batch.forEach(order -> held.remove(order.deliveryId()));
    }

    int remainingCapacity() {
        return orders.remainingCapacity();
    }

    boolean isEmpty() {
        return orders.isEmpty();
    }

    int size() {
        return orders.size();
    }
}
