package org.carebridge.gateway.delivery;

import org.carebridge.gateway.record.DeliveryOrder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** During a broker outage every sweep offers the same undispatched orders again: they must be held once, and bounded. */
class DispatchQueueTest {

    @Test
    void anOrderOfferedAgainWhileHeldIsHeldOnce() throws Exception {
        DispatchQueue queue = new DispatchQueue(100);
        List<DeliveryOrder> sweep = orders(10);
        for (int i = 0; i < 5; i++) {
            assertThat(queue.offer(sweep)).isEqualTo(10);
        }
        assertThat(queue.size()).isEqualTo(10);

        List<DeliveryOrder> batch = new ArrayList<>();
        batch.add(queue.poll(1, TimeUnit.SECONDS));
        queue.drainTo(batch, 100);
        assertThat(batch).extracting(DeliveryOrder::deliveryId).doesNotHaveDuplicates().hasSize(10);
        // a failed batch, released, may be offered again by the next sweep
        queue.release(batch);
        assertThat(queue.offer(sweep)).isEqualTo(10);
        assertThat(queue.size()).isEqualTo(10);
    }

    @Test
    void ordersBeyondTheBoundAreLeftToTheSweep() {
        DispatchQueue queue = new DispatchQueue(100);
        assertThat(queue.offer(orders(250))).isEqualTo(100);
        assertThat(queue.size()).isEqualTo(100);
        assertThat(queue.remainingCapacity()).isZero();
        List<DeliveryOrder> more = orders(1);
        assertThat(queue.offer(more)).isZero();
    }

    @Test
    void anUrgentOrderIsTakenBeforeTheBulkQueuedAheadOfIt() throws Exception {
        DispatchQueue queue = new DispatchQueue(1000);
        queue.offer(orders(500));
        DeliveryOrder urgent = orders(1).get(0).asUrgent();
        queue.offer(List.of(urgent));

        assertThat(queue.poll(1, TimeUnit.SECONDS)).isEqualTo(urgent);
        queue.offer(List.of(orders(1).get(0).asUrgent()));
        List<DeliveryOrder> batch = new ArrayList<>();
        queue.drainTo(batch, 200);
        assertThat(batch.get(0).urgent()).isTrue();
        assertThat(batch.subList(1, batch.size())).noneMatch(DeliveryOrder::urgent);
        assertThat(queue.size()).isEqualTo(500 - 199);
    }

    private static List<DeliveryOrder> orders(int n) {
        List<DeliveryOrder> orders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            orders.add(new DeliveryOrder(UUID.randomUUID(), UUID.randomUUID(), "vs-suffolk", "placement-notification", "m-" + i));
        }
        return orders;
    }
}
