package org.carebridge.gateway.delivery;

import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher's batch statements lock their copies in delivery-id order, the one order every statement on several
 * copies takes. They used to lock in the order their plan visited the rows (the table's, for a bitmap scan), so a batch
 * and another transaction on the same copies, such as the consumers' delivered group, could each hold a copy the other
 * wanted: PostgreSQL then broke the deadlock after a second by failing one of them. Here another transaction takes the
 * copies in id order, one at a time, while the batch runs; the copy with the higher id is the one stored first.
 */
class DeliveryLockOrderTest extends GatewayTest {

    @Autowired
    DeliveryStore store;

    @Autowired
    TransactionTemplate transaction;

    @Value("${carebridge.delivery.claim-timeout}")
    Duration claimTimeout;

    @Test
    void markingABatchSentWaitsInIdOrderBesideATransactionTakingTheSameCopies() throws Exception {
        beside("dispatched = true", (copies) -> store.markDispatched(copies), copies ->
                assertThat(jdbc.queryForList("select dispatched from delivery where delivery_id = any (?)", Boolean.class,
                        (Object) copies.toArray(UUID[]::new))).containsExactly(true, true));
    }

    @Test
    void claimingABatchWaitsInIdOrderBesideATransactionTakingTheSameCopies() throws Exception {
        beside("claimed_at = now(), held = false", (copies) -> assertThat(store.claimForDispatch(copies, "lock-order-node", claimTimeout))
                .containsExactlyInAnyOrderElementsOf(copies), copies -> { });
    }

    /**
     * The batch statement runs on two copies while another transaction holds the one with the lower id, and then,
     * once the batch waits, takes the other one too.
     */
    private void beside(String statementText, Consumer<List<UUID>> batch, Consumer<List<UUID>> afterwards) throws Exception {
        UUID trackingId = storedRecord();
        UUID[] pair = {UUID.randomUUID(), UUID.randomUUID()};
        // PostgreSQL orders uuids by their bytes, as their lower-case text sorts
        if (pair[0].toString().compareTo(pair[1].toString()) > 0) {
            pair = new UUID[] {pair[1], pair[0]};
        }
        UUID lower = pair[0];
        UUID higher = pair[1];
        String partner = "lock-order-" + UUID.randomUUID();
        // the higher id first in the table, and first in the batch
        copy(trackingId, partner + "-1", higher);
        copy(trackingId, partner + "-2", lower);
        List<UUID> copies = List.of(higher, lower);
        CountDownLatch holdsLower = new CountDownLatch(1);
        CountDownLatch takeHigher = new CountDownLatch(1);
        try {
            CompletableFuture<Void> other = inThread(() -> transaction.executeWithoutResult(s -> {
                lock(lower);
                holdsLower.countDown();
                waitFor(takeHigher);
                lock(higher);
            }));
            assertThat(holdsLower.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> batched = inThread(() -> batch.accept(copies));
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("""
                    select count(*) from pg_stat_activity
                    where wait_event_type = 'Lock' and query like '%update delivery%' and query like '%' || ? || '%'""",
                    Long.class, statementText) == 1);
            takeHigher.countDown();
            // with a deadlock, PostgreSQL fails one of the two after deadlock_timeout (a second by default)
            other.get(30, TimeUnit.SECONDS);
            batched.get(30, TimeUnit.SECONDS);
            afterwards.accept(copies);
        } finally {
            takeHigher.countDown();
            jdbc.update("delete from delivery where delivery_id = any (?)", (Object) new UUID[] {lower, higher});
        }
    }

    private void lock(UUID deliveryId) {
        jdbc.queryForList("select delivery_id from delivery where delivery_id = ? for no key update", UUID.class, deliveryId);
    }

    private static CompletableFuture<Void> inThread(Runnable work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        new Thread(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }).start();
        return done;
    }

    private UUID storedRecord() throws Exception {
        String messageId = Examples.newMessageId();
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
        return jdbc.queryForObject("select tracking_id from intake_record where message_id = ?", UUID.class, messageId);
    }

    /** A copy of the record, just stored and not yet handed to the broker, to a partner no route consumes for. */
    private void copy(UUID trackingId, String partner, UUID deliveryId) {
        jdbc.update("""
                insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id, state,
                                      dispatched, created_at, updated_at)
                values (?, ?, ?, 'lock-order-test', 1, 'lock-order-test', 'QUEUED', false, now(), now())""",
                deliveryId, trackingId, partner);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
