package org.carebridge.gateway.delivery;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.demo.DemoInbox;
import org.carebridge.gateway.record.ChildKeys;
import org.carebridge.gateway.record.DeliveryOrder;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.CopyOrder;
import org.carebridge.security.partner.PartnerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-child order on the whole gateway: {@code mash-suffolk} is registered with {@code delivery-order: per-child} and
 * its queue has several consumers. Each child's copies must reach it in the order their records were accepted, whatever
 * the broker does with them (handed over out of order, urgent ahead of bulk, a failed copy waiting out its redelivery
 * delay), while other children's copies go on in parallel. Order is read from the partner's own arrival order.
 */
class ChildOrderTest extends GatewayTest {

    private static final String PARTNER = "mash-suffolk";

    @Autowired
    DeliveryDispatcher dispatcher;

    @Autowired
    SubjectKeys subjectKeys;

    @Autowired
    PartnerRegistry registry;

    @Autowired
    DispatchSender sender;

    @Autowired
    ConnectionFactory connectionFactory;

    private DemoInbox inbox;

    @BeforeEach
    void noteArrivals() {
        assertThat(registry.byId(PARTNER).orElseThrow().copyOrder()).isEqualTo(CopyOrder.PER_CHILD);
        inbox = inbox(PARTNER);
        inbox.noteArrivals();
    }

    @Test
    void eachChildsReferralsArriveInTheOrderTheyWereAcceptedWhileChildrenInterleave() throws Exception {
        String template = Files.readString(Examples.CONFIG.resolve("examples/mash-referral-urgent.json"));
        List<String> nhsNumbers = List.of(Examples.freshNhsNumber(), Examples.freshNhsNumber(), Examples.freshNhsNumber());
        Map<String, List<String>> sent = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            for (String nhs : nhsNumbers) {
                String messageId = Examples.newMessageId();
                String body = Examples.withMessageId(template, messageId).replace("9485125909", nhs);
                assertThat(as("police-suffolk").processMessage(Examples.bytes(body)).statusCode()).isEqualTo(202);
                sent.computeIfAbsent(nhs, k -> new ArrayList<>()).add(messageId);
            }
        }
        List<String> all = sent.values().stream().flatMap(List::stream).toList();
        await().atMost(Duration.ofSeconds(90)).until(() -> inbox.arrivals().containsAll(all));

        List<String> arrived = inbox.arrivals();
        sent.values().forEach(child -> assertThat(arrived.stream().filter(child::contains).toList()).isEqualTo(child));
        assertInterleaved(arrived, sent.values());

        // the broker's group is a keyed hash of the child for this partner, never the NHS number
        for (String nhs : nhsNumbers) {
            String expected = ChildKeys.groupOf(subjectKeys, new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, nhs),
                    registry.byId(PARTNER).orElseThrow());
            List<String> keys = jdbc.queryForList("""
                    select d.child_key from delivery d join intake_record r using (tracking_id)
                    where r.message_id = any (?) and d.recipient = ?""", String.class,
                    sent.get(nhs).toArray(String[]::new), PARTNER);
            assertThat(keys).hasSize(8).containsOnly(expected);
            assertThat(expected).doesNotContain(nhs).hasSize(32);
        }
        // partners that take copies in any order get no group
        assertThat(jdbc.queryForObject("""
                select count(*) from delivery d join intake_record r using (tracking_id)
                where r.message_id = any (?) and d.recipient <> ? and d.child_key is not null""", Long.class,
                all.toArray(String[]::new), PARTNER)).isZero();
    }

    @Test
    void aCopyInAChildsSequenceCarriesItsGroupToTheBrokerAndACopyInNoSequenceNone() throws Exception {
        // a partner nobody consumes for, so the queue holds what was sent
        String partner = "child-order-" + UUID.randomUUID();
        sender.send(List.of(
                new DeliveryOrder(UUID.randomUUID(), UUID.randomUUID(), partner, "mash-referral", "m-1", true, "abc123"),
                new DeliveryOrder(UUID.randomUUID(), UUID.randomUUID(), partner, "placement-notification", "m-2")));
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        jms.setReceiveTimeout(5_000);
        Message grouped = jms.receive(DeliveryDispatcher.queueFor(partner));
        assertThat(grouped).isNotNull();
        assertThat(grouped.getStringProperty("messageId")).isEqualTo("m-1");
        assertThat(grouped.getStringProperty("JMSXGroupID")).isEqualTo("abc123");
        assertThat(grouped.getStringProperty("childKey")).isEqualTo("abc123");
        assertThat(grouped.getJMSPriority()).isEqualTo(DeliveryDispatcher.URGENT_PRIORITY);

        Message parallel = jms.receive(DeliveryDispatcher.queueFor(partner));
        assertThat(parallel).isNotNull();
        assertThat(parallel.getStringProperty("messageId")).isEqualTo("m-2");
        assertThat(parallel.propertyExists("JMSXGroupID")).isFalse();
        assertThat(parallel.propertyExists("childKey")).isFalse();
        assertThat(parallel.getJMSPriority()).isEqualTo(Message.DEFAULT_PRIORITY);
    }

    @Test
    void copiesHandedToTheBrokerLatestFirstAndUrgentAheadOfBulkStillArriveInAcceptanceOrder() {
        Map<String, List<DeliveryOrder>> children = acceptedCopies(3, 10);
        // as when another node or the sweep hands over a child's later copies first; each child's last copy urgent
        List<DeliveryOrder> handedOver = new ArrayList<>();
        children.values().forEach(copies -> {
            for (int i = copies.size() - 1; i >= 0; i--) {
                handedOver.add(i == copies.size() - 1 ? copies.get(i).asUrgent() : copies.get(i));
            }
        });
        dispatcher.dispatch(handedOver);

        List<String> arrived = awaitArrived(children);
        children.values().forEach(copies -> assertThat(arrived.stream().filter(messageIds(copies)::contains).toList())
                .isEqualTo(messageIds(copies)));
        assertThat(held(children)).as("copies still held").isZero();
    }

    @Test
    void aFailedCopyHoldsBackItsChildsLaterCopiesButNotOtherChildren() {
        Map<String, List<DeliveryOrder>> children = acceptedCopies(3, 12);
        List<DeliveryOrder> first = children.values().iterator().next();
        DeliveryOrder failing = first.get(3);
        inbox.refuse(failing.messageId(), 503);
        try {
            dispatcher.dispatch(interleaved(children));
            // the copy failed and was offered again by the broker after its delay: its child's later copies waited
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> attempts(failing) >= 2);
            List<String> meanwhile = inbox.arrivals();
            assertThat(meanwhile).doesNotContainAnyElementsOf(messageIds(first.subList(3, first.size())));
            assertThat(meanwhile).containsAll(messageIds(first.subList(0, 3)));
        } finally {
            inbox.accept(failing.messageId());
        }
        List<String> arrived = awaitArrived(children);
        children.values().forEach(copies -> assertThat(arrived.stream().filter(messageIds(copies)::contains).toList())
                .isEqualTo(messageIds(copies)));
        // other children's copies arrived while the failed one waited out its delays
        int before = arrived.indexOf(first.get(2).messageId());
        int after = arrived.indexOf(failing.messageId());
        List<String> others = children.values().stream().skip(1).flatMap(c -> messageIds(c).stream()).toList();
        assertThat(arrived.subList(before, after)).containsAnyElementsOf(others);
        assertThat(held(children)).isZero();
    }

    @Test
    void aDeadLetteredCopyLetsItsChildsLaterCopiesGoOnInOrder() {
        Map<String, List<DeliveryOrder>> children = acceptedCopies(2, 8);
        List<DeliveryOrder> first = children.values().iterator().next();
        DeliveryOrder refused = first.get(4);
        inbox.refuse(refused.messageId(), 422);
        try {
            dispatcher.dispatch(interleaved(children));
            List<DeliveryOrder> rest = new ArrayList<>(first);
            rest.remove(refused);
            await().atMost(Duration.ofSeconds(60)).until(() -> inbox.arrivals().containsAll(messageIds(rest)));
            assertThat(inbox.arrivals().stream().filter(messageIds(first)::contains).toList()).isEqualTo(messageIds(rest));
            assertThat(jdbc.queryForObject("select state from delivery where delivery_id = ?", String.class, refused.deliveryId()))
                    .isEqualTo("DEAD_LETTERED");
        } finally {
            inbox.accept(refused.messageId());
        }
        awaitArrived(Map.of("other", children.values().stream().skip(1).findFirst().orElseThrow()));
    }

    /**
     * {@code perChild} copies for each of {@code count} children, stored undispatched as intake stores them, in
     * acceptance order, interleaving the children; each copy its own record (a partner de-duplicates by message id).
     */
    private Map<String, List<DeliveryOrder>> acceptedCopies(int count, int perChild) {
        Map<String, List<DeliveryOrder>> children = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            // a child key as ChildKeys makes them: 32 hex digits
            keys.add(UUID.randomUUID().toString().replace("-", ""));
        }
        for (int i = 0; i < perChild; i++) {
            for (String key : keys) {
                String messageId = "child-order-" + UUID.randomUUID();
                UUID trackingId = UUID.randomUUID();
                UUID deliveryId = UUID.randomUUID();
                // a record stored before sealing: the copy is its body as received
                jdbc.update("""
                        insert into intake_record (tracking_id, sender, message_id, event, received_at, payload)
                        values (?, 'police-suffolk', ?, 'mash-referral', now(), ?)""", trackingId, messageId,
                        Examples.bytes("{\"resourceType\":\"Bundle\",\"id\":\"" + messageId + "\",\"type\":\"message\"}"));
                jdbc.update("""
                        insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id, state,
                                              dispatched, created_at, updated_at, child_key)
                        values (?, ?, ?, 'mash-referral', 1, 'child-order-test', 'QUEUED', false, now(), now(), ?)""",
                        deliveryId, trackingId, PARTNER, key);
                children.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new DeliveryOrder(deliveryId, trackingId, PARTNER, "mash-referral", messageId, false, key));
            }
        }
        return children;
    }

    private static List<DeliveryOrder> interleaved(Map<String, List<DeliveryOrder>> children) {
        List<DeliveryOrder> all = new ArrayList<>();
        int perChild = children.values().iterator().next().size();
        for (int i = 0; i < perChild; i++) {
            for (List<DeliveryOrder> copies : children.values()) {
                all.add(copies.get(i));
            }
        }
        return all;
    }

    private List<String> awaitArrived(Map<String, List<DeliveryOrder>> children) {
        List<String> all = children.values().stream().flatMap(c -> messageIds(c).stream()).toList();
        await().atMost(Duration.ofSeconds(90)).until(() -> inbox.arrivals().containsAll(all));
        return inbox.arrivals();
    }

    /** Each child's first copy arrived before every other child's last: no child waited for another to finish. */
    private static void assertInterleaved(List<String> arrived, java.util.Collection<List<String>> children) {
        int latestFirst = children.stream().mapToInt(c -> arrived.indexOf(c.get(0))).max().orElseThrow();
        int earliestLast = children.stream().mapToInt(c -> arrived.indexOf(c.get(c.size() - 1))).min().orElseThrow();
        assertThat(latestFirst).isLessThan(earliestLast);
    }

    private int attempts(DeliveryOrder order) {
        return jdbc.queryForObject("select attempts from delivery where delivery_id = ?", Integer.class, order.deliveryId());
    }

    private long held(Map<String, List<DeliveryOrder>> children) {
        return jdbc.queryForObject("select count(*) from delivery where child_key = any (?) and held", Long.class,
                (Object) children.keySet().toArray(String[]::new));
    }

    private static List<String> messageIds(List<DeliveryOrder> copies) {
        return copies.stream().map(DeliveryOrder::messageId).toList();
    }
}
