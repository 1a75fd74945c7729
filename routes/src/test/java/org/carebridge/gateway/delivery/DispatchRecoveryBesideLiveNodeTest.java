package org.carebridge.gateway.delivery;

import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node starting beside live ones recovers only copies a crash left undispatched, never those another node stored a
 * moment ago and still holds on their way to the broker: taking those too put them on the partner's queue twice.
 */
class DispatchRecoveryBesideLiveNodeTest extends GatewayTest {

    @Autowired
    DeliveryDispatcher dispatcher;

    @Test
    void atStartAFreshUndispatchedCopyIsLeftToTheNodeThatStoredItAndAnOrphanedOneIsSent() throws Exception {
        String messageId = Examples.newMessageId();
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inboxFile("health-norfolk", messageId)));
        String deliveryId = jdbc.queryForObject("""
                select d.delivery_id::text from delivery d join intake_record r using (tracking_id)
                where r.message_id = ? and d.recipient = 'health-norfolk'""", String.class, messageId);
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(state(deliveryId)));
        int duplicatesBefore = inbox("health-norfolk").duplicates();

        // as another node leaves a copy it has just stored: undispatched, seconds old
        jdbc.update("update delivery set state = 'QUEUED', dispatched = false, created_at = now() where delivery_id = ?::uuid", deliveryId);
        try {
            dispatcher.recoverAfterStart();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !dispatched(deliveryId));
            assertThat(inbox("health-norfolk").duplicates()).isEqualTo(duplicatesBefore);
        } finally {
            jdbc.update("update delivery set state = 'DELIVERED', dispatched = true where delivery_id = ?::uuid", deliveryId);
        }

        // as a node killed between storing and dispatching leaves it: undispatched for longer than sweep-after
        jdbc.update("update delivery set state = 'QUEUED', dispatched = false, created_at = now() - interval '1 hour' where delivery_id = ?::uuid",
                deliveryId);
        dispatcher.recoverAfterStart();
        await().atMost(Duration.ofSeconds(30)).until(() -> dispatched(deliveryId) && "DELIVERED".equals(state(deliveryId)));
        // sent again, and the partner knew the message id
        assertThat(inbox("health-norfolk").duplicates()).isEqualTo(duplicatesBefore + 1);
    }

    private boolean dispatched(String deliveryId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("select dispatched from delivery where delivery_id = ?::uuid", Boolean.class, deliveryId));
    }

    private String state(String deliveryId) {
        return jdbc.queryForObject("select state from delivery where delivery_id = ?::uuid", String.class, deliveryId);
    }
}
