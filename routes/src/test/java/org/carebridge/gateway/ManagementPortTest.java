package org.carebridge.gateway;

import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health and Prometheus metrics on the management port, plain HTTP on localhost; nothing else exposed anywhere. */
class ManagementPortTest extends GatewayTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthAndPrometheusOnlyOnTheManagementPort() throws Exception {
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health").body()).contains("\"status\":\"UP\"");
        for (String closed : new String[]{"/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump", "/actuator/loggers"}) {
            assertThat(get(closed).statusCode()).as(closed).isEqualTo(404);
        }
        assertThat(as("cs-suffolk").get("/actuator/health").statusCode()).isEqualTo(404);
    }

    @Test
    void receivedAndDeliveredAreCountedPerPartnerAndEvent() throws Exception {
        String messageId = Examples.newMessageId();
        as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("vs-suffolk", messageId)));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = get("/actuator/prometheus").body();
            assertThat(metrics).containsPattern("carebridge_records_received_total\\{[^}]*event=\"placement-notification\",partner=\"cs-suffolk\"} [1-9]");
            assertThat(metrics).containsPattern("carebridge_deliveries_delivered_total\\{[^}]*event=\"placement-notification\",partner=\"vs-suffolk\"} [1-9]");
            assertThat(metrics).containsPattern("carebridge_delivery_latency_seconds_count\\{[^}]*partner=\"vs-suffolk\"} [1-9]");
        });
        assertThat(get("/actuator/prometheus").body()).doesNotContain(messageId);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
