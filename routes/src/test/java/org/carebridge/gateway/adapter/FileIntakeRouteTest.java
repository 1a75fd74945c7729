package org.carebridge.gateway.adapter;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.carebridge.connectors.inbound.Acknowledgement;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.connectors.inbound.Ssda903Inbound;
import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;
import org.carebridge.gateway.intake.FileIntakeRoute;
import org.carebridge.gateway.intake.IntakeRequest;
import org.carebridge.gateway.intake.IntakeRoute;
import org.carebridge.gateway.support.GatewayTest;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No adapter bypasses a decision: each message of a partner's file is sent, on its own exchange, through the intake
 * route's checks and decision, the same route a message posted over HTTPS takes; the file's messages enter intake by
 * the file intake route.
 */
class FileIntakeRouteTest extends GatewayTest {

    private static final DateTimeFormatter DDMMYYYY = DateTimeFormatter.ofPattern("dd/MM/yyyy");

    @Autowired
    CamelContext camel;

    @Autowired
    GovernedIntake intake;

    @Autowired
    CollectionYears years;

    @Autowired
    ChildrensHomes homes;

    @TempDir
    Path dir;

    @Test
    void eachEpisodeOfAFileIsDecidedByTheIntakeRoute() throws IOException {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 6).toUpperCase();
        List<String> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            children.add("R" + run + i);
        }
        Path zip = zip(children);
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

    private Ssda903Inbound inbound() {
        Ssda903Settings settings = new Ssda903Settings("cs-suffolk", "Suffolk County Council Children's Services", "E10000029",
                years.year("2025-26").orElseThrow(), null, Ssda903Settings.UnknownColumns.WARN);
        return new Ssda903Inbound(intake, settings, Period.ofDays(30), homes, Ssda903Inbound.Form.CSV, ZippedTables.Limits.DEFAULT,
                Clock.systemUTC());
    }

    private Path zip(List<String> children) throws IOException {
        String placed = LocalDate.now(ZoneId.of("Europe/London")).minusDays(2).format(DDMMYYYY);
        Path zip = dir.resolve("return.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            out.putNextEntry(new ZipEntry("Header.csv"));
            text.write("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n");
            for (String child : children) {
                text.write(child + ",2,14/03/2012,WBRI,UN4,,\r\n");
            }
            text.flush();
            out.closeEntry();
            out.putNextEntry(new ZipEntry("Episodes.csv"));
            text.write("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n");
            for (String child : children) {
                text.write(child + "," + placed + ",P,C2,N1,K2,PR4,,,CARPL,,,SC480321\r\n");
            }
            text.flush();
            out.closeEntry();
        }
        return zip;
    }
}
