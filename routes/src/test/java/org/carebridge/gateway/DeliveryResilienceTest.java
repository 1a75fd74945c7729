package org.carebridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import org.carebridge.gateway.delivery.DeliveryDispatcher;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A partner that is down holds back only its own copies; it gets them once it is back, or they are dead-lettered. */
class DeliveryResilienceTest extends GatewayTest {

    @Autowired
    ConnectionFactory connectionFactory;

    @Test
    void aPartnerThatIsDownGetsItsCopyWhenItReturnsAndTheOthersAreNotHeldBack() throws Exception {
        String messageId = Examples.newMessageId();
        inbox("health-norfolk").setOnline(false);
        try {
            var response = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
            assertThat(response.statusCode()).isEqualTo(202);
            String location = response.headers().firstValue("Location").orElseThrow();

            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("cs-norfolk", messageId))
                    && Files.exists(inboxFile("vs-suffolk", messageId)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode health = recipient(json(as("cs-suffolk").get(location).body()), "health-norfolk");
                assertThat(health.path("state").asText()).isEqualTo("FAILED");
                assertThat(health.path("lastError").asText()).contains("HTTP 503");
            });
            assertThat(inboxFile("health-norfolk", messageId)).doesNotExist();

            inbox("health-norfolk").setOnline(true);

            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("health-norfolk", messageId)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    recipient(json(as("cs-suffolk").get(location).body()), "health-norfolk").path("state").asText()).isEqualTo("DELIVERED"));
        } finally {
            inbox("health-norfolk").setOnline(true);
        }
    }

    @Test
    void afterTheLastAttemptTheCopyIsDeadLetteredAndSaysSo() throws Exception {
        String messageId = Examples.newMessageId();
        // the partner is up (its probe answers) but fails on this one copy
        inbox("vs-suffolk").refuse(messageId, 503);
        try {
            var response = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
            String location = response.headers().firstValue("Location").orElseThrow();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode vs = recipient(json(as("cs-suffolk").get(location).body()), "vs-suffolk");
                assertThat(vs.path("state").asText()).isEqualTo("DEAD_LETTERED");
                assertThat(vs.path("attempts").asInt()).isEqualTo(6);
            });
            String deliveryId = jdbc.queryForObject("""
                    select d.delivery_id::text from delivery d join intake_record r using (tracking_id)
                    where r.message_id = ? and d.recipient = 'vs-suffolk'""", String.class, messageId);
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("vs-suffolk").contains(deliveryId));
            assertThat(inboxFile("vs-suffolk", messageId)).doesNotExist();
            assertThat(inboxFile("cs-norfolk", messageId)).exists();
        } finally {
            inbox("vs-suffolk").accept(messageId);
        }
    }

    private List<String> deadLetters(String partnerId) {
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        return jms.browse(DeliveryDispatcher.deadLetterQueueFor(partnerId), (session, browser) -> {
            List<String> ids = new ArrayList<>();
            for (Object message : Collections.list(browser.getEnumeration())) {
                ids.add(((Message) message).getStringProperty("deliveryId"));
            }
            return ids;
        });
    }
}
