package org.carebridge.gateway.delivery;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import org.apache.camel.CamelContext;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.record.DeliveryOrder;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jms.core.JmsTemplate;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A copy that waits longer than sweep-after in a busy node's dispatch queue is also found by another node's sweep. Both
 * used to send it, so it was on the partner's queue twice; now each dispatcher claims the copy in the database before
 * sending, and only one claim wins. Counted on the broker, for a partner nobody consumes for.
 */
class DispatchClaimTest extends GatewayTest {

    @Autowired
    DeliveryDispatcher dispatcher;

    @Autowired
    DeliveryStore store;

    @Autowired
    CamelContext camel;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    CarebridgeProperties properties;

    @Value("${carebridge.delivery.claim-timeout}")
    Duration claimTimeout;

    @Test
    void aCopyHeldInThisNodesQueueAndSweptByAnotherNodeReachesThePartnersQueueOnce() throws Exception {
        String partner = "claim-race-" + UUID.randomUUID();
        UUID trackingId = storedRecord();
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        jms.setReceiveTimeout(2_000);
        Duration sweepAfter = properties.delivery().sweepAfter();
        // this node's dispatch route held up, as behind a long backlog, so what it takes it holds
        camel.getRouteController().stopRoute("delivery-dispatch");
        UUID deliveryId = undispatchedCopy(trackingId, partner);
        try {
            DeliveryOrder order = swept(deliveryId, sweepAfter);
            dispatcher.dispatch(List.of(order));
            assertThat(dispatcher.holding()).isPositive();

            // meanwhile another node's sweep finds it unclaimed, claims it and hands it to the broker
            assertThat(store.claimForDispatch(List.of(deliveryId), "another-node", claimTimeout)).containsExactly(deliveryId);
            jms.execute(session -> {
                try (MessageProducer producer = session.createProducer(session.createQueue(DeliveryDispatcher.queueFor(partner)))) {
                    Message message = session.createTextMessage(deliveryId.toString());
                    message.setStringProperty("deliveryId", deliveryId.toString());
                    producer.send(message, DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, 0);
                }
                return null;
            }, true);
            store.markDispatched(List.of(deliveryId));

            camel.getRouteController().startRoute("delivery-dispatch");
            await().atMost(Duration.ofSeconds(30)).until(() -> dispatcher.holding() == 0);
            assertThat(depth(jms, DeliveryDispatcher.queueFor(partner))).as("copies of one delivery on the partner's queue").isEqualTo(1);
        } finally {
            camel.getRouteController().startRoute("delivery-dispatch");
            while (jms.receive(DeliveryDispatcher.queueFor(partner)) != null) {
                // drained
            }
            jdbc.update("delete from delivery where delivery_id = ?", deliveryId);
        }
    }

    @Test
    void theSweepLeavesACopyAnotherNodeHasJustClaimedAndTakesOneWhoseClaimIsStale() throws Exception {
        String partner = "claim-stale-" + UUID.randomUUID();
        UUID trackingId = storedRecord();
        Duration sweepAfter = properties.delivery().sweepAfter();
        // so that this node's own sweep does not dispatch the copy in between
        camel.getRouteController().stopRoute("delivery-dispatch");
        UUID deliveryId = undispatchedCopy(trackingId, partner);
        try {
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-a", claimTimeout)).containsExactly(deliveryId);
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-b", claimTimeout)).as("a second node's claim").isEmpty();
            assertThat(store.undispatched(sweepAfter, claimTimeout, 100_000)).extracting(DeliveryOrder::deliveryId).doesNotContain(deliveryId);

            // node-a died after claiming: once its claim is older than claim-timeout, the copy is swept and claimed again
            jdbc.update("update delivery set claimed_at = now() - interval '1 hour' where delivery_id = ?", deliveryId);
            assertThat(store.undispatched(sweepAfter, claimTimeout, 100_000)).extracting(DeliveryOrder::deliveryId).contains(deliveryId);
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-b", claimTimeout)).containsExactly(deliveryId);

            store.markDispatched(List.of(deliveryId));
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-b", claimTimeout)).as("a dispatched copy").isEmpty();
        } finally {
            jdbc.update("delete from delivery where delivery_id = ?", deliveryId);
            camel.getRouteController().startRoute("delivery-dispatch");
        }
    }

    /**
     * A node claims a fresh copy and dies before it hands the copy to the broker. The copy used to wait until it was
     * older than sweep-after and its claim as old; now the claim alone decides: another node leaves it while the claim
     * is younger than claim-timeout and takes it over after, within a sweep interval, and the copy reaches the partner's
     * queue once. The dead node, back with the same id, cannot claim it again.
     */
    @Test
    void aCopyClaimedByANodeThatDiedBeforeSendingIsTakenOverOnceItsClaimTimesOut() throws Exception {
        String partner = "claim-dead-" + UUID.randomUUID();
        UUID trackingId = storedRecord();
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        jms.setReceiveTimeout(2_000);
        Duration sweepAfter = properties.delivery().sweepAfter();
        UUID deliveryId = freshCopy(trackingId, partner);
        try {
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-that-died", claimTimeout)).containsExactly(deliveryId);
            dispatcher.sweep();
            assertThat(store.undispatched(sweepAfter, claimTimeout, 100_000)).extracting(DeliveryOrder::deliveryId)
                    .as("a copy whose claim is younger than claim-timeout").doesNotContain(deliveryId);

            // the claim has timed out; this node's sweep, on its own timer, takes the copy over
            jdbc.update("update delivery set claimed_at = now() - make_interval(secs => ?) where delivery_id = ?",
                    claimTimeout.toSeconds() + 1.0, deliveryId);
            await().atMost(properties.delivery().sweepInterval().plusSeconds(20))
                    .until(() -> Boolean.TRUE.equals(jdbc.queryForObject("select dispatched from delivery where delivery_id = ?",
                            Boolean.class, deliveryId)));
            assertThat(depth(jms, DeliveryDispatcher.queueFor(partner))).as("copies of one delivery on the partner's queue").isEqualTo(1);
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-that-died", claimTimeout)).as("the dead node's claim, again").isEmpty();
        } finally {
            while (jms.receive(DeliveryDispatcher.queueFor(partner)) != null) {
                // drained
            }
            jdbc.update("delete from delivery where delivery_id = ?", deliveryId);
        }
    }

    /** A record stored, its own copies handed to the broker. */
    private UUID storedRecord() throws Exception {
        String messageId = Examples.newMessageId();
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> dispatcher.holding() == 0);
        return jdbc.queryForObject("select tracking_id from intake_record where message_id = ?", UUID.class, messageId);
    }

    /** A copy of the record, stored an hour ago and never handed to the broker, to a partner no route consumes for. */
    private UUID undispatchedCopy(UUID trackingId, String partner) {
        UUID deliveryId = UUID.randomUUID();
        jdbc.update("""
                insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id, state,
                                      dispatched, created_at, updated_at)
                values (?, ?, ?, 'claim-test', 1, 'claim-test', 'QUEUED', false, now() - interval '1 hour', now())""",
                deliveryId, trackingId, partner);
        return deliveryId;
    }

    /** A copy of the record stored just now and not yet handed to the broker, to a partner no route consumes for. */
    private UUID freshCopy(UUID trackingId, String partner) {
        UUID deliveryId = UUID.randomUUID();
        jdbc.update("""
                insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id, state,
                                      dispatched, created_at, updated_at)
                values (?, ?, ?, 'claim-test', 1, 'claim-test', 'QUEUED', false, now(), now())""",
                deliveryId, trackingId, partner);
        return deliveryId;
    }

    private DeliveryOrder swept(UUID deliveryId, Duration sweepAfter) {
        return store.undispatched(sweepAfter, claimTimeout, 100_000).stream().filter(o -> o.deliveryId().equals(deliveryId)).findFirst()
                .orElseThrow(() -> new AssertionError("the sweep does not find the copy"));
    }

    private static int depth(JmsTemplate jms, String queue) {
        Integer depth = jms.browse(queue, (session, browser) -> Collections.list(browser.getEnumeration()).size());
        return depth == null ? 0 : depth;
    }
}
