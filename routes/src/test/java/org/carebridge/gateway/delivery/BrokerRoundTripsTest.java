package org.carebridge.gateway.delivery;

import org.apache.activemq.artemis.api.core.Interceptor;
import org.apache.activemq.artemis.core.protocol.core.Packet;
import org.apache.activemq.artemis.core.protocol.core.impl.PacketImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the gateway asks the embedded broker, counted as the packets the broker receives: handing copies over costs no
 * destination look-up per copy, and a partner queue's idle consumers do not ask the broker for a delivery every second.
 */
class BrokerRoundTripsTest extends GatewayTest {

    @Autowired
    EmbeddedActiveMQ broker;

    @Autowired
    CamelContext camel;

    @Autowired
    CarebridgeProperties properties;

    @org.springframework.beans.factory.annotation.Value("${carebridge.delivery.receive-timeout}")
    Duration receiveTimeout;

    private final AtomicLong lookUps = new AtomicLong();
    private final AtomicLong forcedDeliveries = new AtomicLong();
    private final Interceptor counter = (Packet packet, org.apache.activemq.artemis.spi.core.protocol.RemotingConnection connection) -> {
        switch (packet.getType()) {
            case PacketImpl.SESS_QUEUEQUERY, PacketImpl.SESS_BINDINGQUERY -> lookUps.incrementAndGet();
            case PacketImpl.SESS_FORCE_CONSUMER_DELIVERY -> forcedDeliveries.incrementAndGet();
            default -> { }
        }
        return true;
    };

    @BeforeEach
    void count() {
        broker.getActiveMQServer().getRemotingService().addIncomingInterceptor(counter);
    }

    @AfterEach
    void stopCounting() {
        broker.getActiveMQServer().getRemotingService().removeIncomingInterceptor(counter);
    }

    @Test
    void handingCopiesToThePartnersQueuesLooksNoQueueUpPerCopy() throws Exception {
        PartnerClient sender = as("cs-suffolk");
        // the first hand-over of a session may look each queue up once
        deliverAll(sender, 3);
        long before = lookUps.get();
        deliverAll(sender, 20);
        // 20 placements are 60 copies on three partners' queues
        assertThat(lookUps.get() - before).isLessThan(10);
    }

    @Test
    void idlePartnerQueueConsumersAskTheBrokerForADeliveryAtMostEveryFewSeconds() {
        long consumers = camel.getRoutes().stream().map(Route::getRouteId).filter(id -> id.startsWith("deliver-"))
                .filter(id -> camel.getRouteController().getRouteStatus(id).isStarted()).count()
                * properties.delivery().concurrentConsumers();
        assertThat(consumers).isGreaterThan(10);
        long before = forcedDeliveries.get();
        long started = System.nanoTime();
        await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(30)).until(() -> true);
        double seconds = (System.nanoTime() - started) / 1e9;
        // each consumer whose receive found nothing asks the broker once more before it waits again: once per
        // receive-timeout (the tests' 1 s; 5 s by default), never per Camel's own poll
        double timeout = receiveTimeout.toMillis() / 1000.0;
        assertThat((forcedDeliveries.get() - before) / seconds).isLessThan(1.5 * consumers / timeout);
    }

    private void deliverAll(PartnerClient sender, int records) throws Exception {
        List<String> messageIds = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String messageId = Examples.newMessageId();
            assertThat(sender.processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
            messageIds.add(messageId);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("""
                select count(*) from delivery d join intake_record r using (tracking_id)
                where r.message_id = any (?) and d.state = 'DELIVERED'""", Long.class,
                (Object) messageIds.toArray(String[]::new)) == 3L * records);
    }
}
