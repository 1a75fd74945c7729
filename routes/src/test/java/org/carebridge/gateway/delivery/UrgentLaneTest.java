package org.carebridge.gateway.delivery;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import org.carebridge.gateway.record.DeliveryOrder;
import org.carebridge.gateway.record.RecordDeadlines;
import org.carebridge.gateway.record.UrgentLane;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An urgent copy is not queued behind bulk: bulk copies already waiting on a partner's broker queue are delivered
 * after an urgent copy that arrived later. Checked by the order a consumer receives them in, not by timing.
 */
class UrgentLaneTest extends GatewayTest {

    @Autowired
    DeliveryDispatcher dispatcher;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    UrgentLane urgentLane;

    @Test
    void anUrgentCopyOvertakesTheBulkWaitingForTheSamePartner() throws Exception {
        // a partner nobody consumes for, so the queue holds what the dispatcher handed over
        String partner = "urgent-lane-" + UUID.randomUUID();
        String queue = DeliveryDispatcher.queueFor(partner);
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        jms.setReceiveTimeout(5_000);

        UUID trackingId = storedRecord();
        List<DeliveryOrder> bulk = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            bulk.add(storedCopy(new DeliveryOrder(UUID.randomUUID(), trackingId, partner, "placement-notification", "bulk-" + i)));
        }
        dispatcher.dispatch(bulk);
        await().atMost(Duration.ofSeconds(30)).until(() -> depth(jms, queue) == 50);

        DeliveryOrder urgent = storedCopy(new DeliveryOrder(UUID.randomUUID(), trackingId, partner, "missing-episode", "urgent-1")
                .asUrgent());
        dispatcher.dispatch(List.of(urgent));
        await().atMost(Duration.ofSeconds(30)).until(() -> depth(jms, queue) == 51);

        List<String> received = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            Message message = jms.receive(queue);
            assertThat(message).isNotNull();
            received.add(messageId(message));
        }
        assertThat(received.get(0)).isEqualTo("urgent-1");
        assertThat(received.subList(1, 51)).allMatch(id -> id.startsWith("bulk-"));
        jdbc.update("delete from delivery where recipient = ?", partner);
    }

    /** A record stored as intake stores one; its copies here are to a partner of the test's own. */
    private UUID storedRecord() throws Exception {
        String messageId = Examples.newMessageId();
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
        return jdbc.queryForObject("select tracking_id from intake_record where message_id = ?", UUID.class, messageId);
    }

    /** The copy stored undispatched, as intake leaves it: a dispatcher sends only copies it can claim in the database. */
    private DeliveryOrder storedCopy(DeliveryOrder order) {
        jdbc.update("""
                insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id, state,
                                      dispatched, created_at, updated_at)
                values (?, ?, ?, 'urgent-lane-test', 1, 'urgent-lane-test', 'QUEUED', false, now(), now())""",
                order.deliveryId(), order.trackingId(), order.recipient());
        return order;
    }

    @Test
    void theGoldenHourMissingEpisodesAndUrgentMashReferralsAreUrgentAndPlacementsAreNot() {
        assertThat(urgentLane.urgent(clock("golden-hour"))).isTrue();
        assertThat(urgentLane.urgent(clock("missing-immediate"))).isTrue();
        assertThat(urgentLane.urgent(clock("mash-urgent-immediate"))).isTrue();
        assertThat(urgentLane.urgent(clock("emergency-placement"))).isFalse();
        assertThat(urgentLane.urgent(Optional.empty())).isFalse();
    }

    private static Optional<RecordDeadlines.Started> clock(String ruleId) {
        return Optional.of(() -> ruleId);
    }

    private static int depth(JmsTemplate jms, String queue) {
        Integer depth = jms.browse(queue, (session, browser) -> Collections.list(browser.getEnumeration()).size());
        return depth == null ? 0 : depth;
    }

    private static String messageId(Message message) {
        try {
            return message.getStringProperty("messageId");
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
