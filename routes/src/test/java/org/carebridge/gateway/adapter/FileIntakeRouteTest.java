package org.carebridge.gateway.adapter;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.carebridge.connectors.inbound.Acknowledgement;
import org.carebridge.gateway.intake.FileIntakeRoute;
import org.carebridge.gateway.intake.IntakeRequest;
import org.carebridge.gateway.intake.IntakeRoute;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No adapter bypasses a decision: each message of a partner's file is sent, on its own exchange, through the intake
 * route's checks and decision, the same route a message posted over HTTPS takes; the file's messages enter intake by
 * the file intake route.
 */
class FileIntakeRouteTest extends Ssda903Returns {

    @Autowired
    CamelContext camel;

    @Test
    void eachEpisodeOfAFileIsDecidedByTheIntakeRoute() throws IOException {
        List<String> children = children("R", 3);
        String run = children.get(0).substring(0, children.get(0).length() - 1); // the letter and this run's id
        LocalDate placed = LocalDate.now(ZoneId.of("Europe/London")).minusDays(2);
        Path zip = zip(dir.resolve("return.zip"), children, episodes(children, placed));
        Sent decided = new Sent(IntakeRoute.DECIDE_ENDPOINT, run);
        Sent files = new Sent(FileIntakeRoute.ENDPOINT, null);
        camel.getManagementStrategy().addEventNotifier(decided);
        camel.getManagementStrategy().addEventNotifier(files);
        decided.start();
        files.start();
        Acknowledgement ack;
        try {
            ack = inbound().receive("return.zip", zip);
        } finally {
            camel.getManagementStrategy().removeEventNotifier(decided);
            camel.getManagementStrategy().removeEventNotifier(files);
            decided.stop();
            files.stop();
        }

        assertThat(ack.summary()).isEqualTo("3 accepted, 3 read");
        assertThat(decided.count()).as("episodes sent through " + IntakeRoute.DECIDE_ENDPOINT).isEqualTo(3);
        assertThat(files.count()).as("batches sent to " + FileIntakeRoute.ENDPOINT).isEqualTo(1);
    }

    /** Counts the exchanges sent to one endpoint (of this test's children only, when {@code marker} is given). */
    private static final class Sent extends EventNotifierSupport {

        private final String uri;
        private final String marker;
        private final AtomicInteger count = new AtomicInteger();

        Sent(String uri, String marker) {
            this.uri = uri.replace(":", "://");
            this.marker = marker;
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeSendingEvent sending && sending.getEndpoint().getEndpointUri().equals(uri)) {
                Object body = sending.getExchange().getMessage().getBody();
                if (marker == null || body instanceof IntakeRequest request && names(request, marker)) {
                    count.incrementAndGet();
                }
            }
        }

        private static boolean names(IntakeRequest request, String child) {
            if (request.mapped() == null) {
                return new String(request.body(), StandardCharsets.UTF_8).contains(child);
            }
            return request.mapped().getEntry().stream().anyMatch(entry -> entry.getResource() instanceof Patient patient
                    && patient.getIdentifier().stream().anyMatch(id -> id.getValue().contains(child)));
        }

        int count() {
            return count.get();
        }
    }
}
