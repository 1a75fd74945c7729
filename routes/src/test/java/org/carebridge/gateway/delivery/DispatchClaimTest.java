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
            assertThat(store.claimForDispatch(List.of(deliveryId), "another-node", sweepAfter)).containsExactly(deliveryId);
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
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-a", sweepAfter)).containsExactly(deliveryId);
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-b", sweepAfter)).as("a second node's claim").isEmpty();
            assertThat(store.undispatched(sweepAfter, 100_000)).extracting(DeliveryOrder::deliveryId).doesNotContain(deliveryId);

            // node-a died after claiming: once its claim is older than sweep-after, the copy is swept and claimed again
            jdbc.update("update delivery set claimed_at = now() - interval '1 hour' where delivery_id = ?", deliveryId);
            assertThat(store.undispatched(sweepAfter, 100_000)).extracting(DeliveryOrder::deliveryId).contains(deliveryId);
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-b", sweepAfter)).containsExactly(deliveryId);

            store.markDispatched(List.of(deliveryId));
            assertThat(store.claimForDispatch(List.of(deliveryId), "node-b", sweepAfter)).as("a dispatched copy").isEmpty();
        } finally {
            jdbc.update("delete from delivery where delivery_id = ?", deliveryId);
            camel.getRouteController().startRoute("delivery-dispatch");
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

    private DeliveryOrder swept(UUID deliveryId, Duration sweepAfter) {
        return store.undispatched(sweepAfter, 100_000).stream().filter(o -> o.deliveryId().equals(deliveryId)).findFirst()
                .orElseThrow(() -> new AssertionError("the sweep does not find the copy"));
    }

    private static int depth(JmsTemplate jms, String queue) {
        Integer depth = jms.browse(queue, (session, browser) -> Collections.list(browser.getEnumeration()).size());
        return depth == null ? 0 : depth;
    }
}
