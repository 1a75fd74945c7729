package org.carebridge.gateway.port;

import org.apache.camel.CamelContext;
import org.carebridge.gateway.intake.IntakeRoute;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Until the routes are up and the application ready, the partner port answers 503 with Retry-After and readiness says so. */
class IntakeReadinessTest extends GatewayTest {

    @Autowired
    CamelContext camel;

    @Autowired
    ApplicationContext context;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void noIntakeWhileTheIntakeRouteIsDown() throws Exception {
        long before = records();
        camel.getRouteController().stopRoute(IntakeRoute.ROUTE_ID);
        try {
            assertNotTaking(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId()))));
            HttpResponse<String> readiness = management("/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("OUT_OF_SERVICE");
        } finally {
            camel.getRouteController().startRoute(IntakeRoute.ROUTE_ID);
        }
        assertThat(records()).isEqualTo(before);
        assertThat(management("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId()))).statusCode())
                .isEqualTo(202);
    }

    @Test
    void noIntakeWhileTheApplicationRefusesTraffic() throws Exception {
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            assertNotTaking(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId()))));
            assertNotTaking(as("cs-suffolk").get("/fhir/Consent?patient.identifier=a%7Cb"));
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    private static void assertNotTaking(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        assertThat(json(response.body()).path("issue").get(0).path("code").asText()).isEqualTo("transient");
    }

    private HttpResponse<String> management(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
