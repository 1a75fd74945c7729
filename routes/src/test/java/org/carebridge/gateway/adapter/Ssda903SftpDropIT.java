package org.carebridge.gateway.adapter;

import org.apache.camel.CamelContext;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.connectors.sftp.SftpInboundRouteTemplate;
import org.carebridge.gateway.demo.DemoSftpServer;
import org.carebridge.gateway.support.GatewayTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo children's services partner drops its SSDA903 return over SFTP (the demo partners' MINA SSHD server) and
 * every mapped row takes the governed way: decided under the agreements, minimised, sealed, stored, delivered and
 * audited, with an acknowledgement file back listing every row.
 */
class Ssda903SftpDropIT extends GatewayTest {

    private static final DateTimeFormatter DDMMYYYY = DateTimeFormatter.ofPattern("dd/MM/yyyy");

    @Autowired
    DemoSftpServer sftp;

    @Autowired
    GovernedIntake intake;

    @Autowired
    CamelContext camel;

    @Test
    void aDropGoesFromFileToGovernedDeliveriesAndIsAnsweredRowByRow() throws IOException {
        assertThat(camel.getRoute(SftpInboundRouteTemplate.routeId("cs-suffolk"))).isNotNull();
        String child = "T" + UUID.randomUUID().toString().replace("-", "").substring(0, 9).toUpperCase();
        LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
        String placed = today.minusDays(3).format(DDMMYYYY);
        String missing = today.minusDays(1).format(DDMMYYYY);
        byte[] zip = zip(Map.of(
                "Header.csv", "\uFEFFCHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n" + child + ",2.0,14/03/2012,WBRI,A123456789012,,\r\n",
                "Episodes.csv", "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"
                        + child + "," + placed + ",P,C2,N1,K2,PR4,,,CARPL,,NR1 1AA,SC480321\r\n"
                        + child + "," + placed + ",P,C2,N1,H5,PR4,,,CARPL,,,SC480321\r\n",
                "Missing.csv", "CHILD,DOB,MISSING,MIS_START,MIS_END\r\n" + child + ",14/03/2012,M," + missing + ",\r\n\r\n"));
        Path root = sftp.root("cs-suffolk");
        drop(root, "return-1.zip", zip);

        Path ack = root.resolve("ack/return-1.zip.ack.csv");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack) && Files.exists(root.resolve("outbox/done/return-1.zip")));
        List<String> lines = Files.readAllLines(ack);
        assertThat(lines.get(1)).isEqualTo("FILE,0,processed,,\"2 accepted, 1 refused, 1 read\",,,");
        String placement = messageId(lines, "Episodes,2,accepted,");
        String missingEpisode = messageId(lines, "Missing,2,accepted,");
        assertThat(lines).contains("Episodes,3,refused,PLACE,PLACE 'H5' is not in the 2025-26 code list (it is a 2024-25 code),,,");
        assertThat(String.join("\n", lines)).doesNotContain(child).doesNotContain("NR1");

        assertThat(decisions(placement)).containsExactlyInAnyOrderEntriesOf(Map.of("cs-norfolk", "PERMIT", "health-norfolk", "PERMIT",
                "vs-suffolk", "PERMIT", "police-norfolk", "DENY"));
        assertThat(decisions(missingEpisode)).containsExactlyInAnyOrderEntriesOf(Map.of("cs-norfolk", "PERMIT", "police-norfolk", "PERMIT"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inboxFile("cs-norfolk", placement))
                && Files.exists(inboxFile("police-norfolk", missingEpisode)));
        String copy = Files.readString(inboxFile("cs-norfolk", placement));
        assertThat(copy).contains("SC480321").contains("\"version\":\"2025-26\"").contains(child);
        assertThat(Files.readString(inboxFile("police-norfolk", missingEpisode))).contains("reported-to-police");

        String tracking = jdbc.queryForObject("select tracking_id::text from intake_record where sender = 'cs-suffolk' and message_id = ?",
                String.class, placement);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where kind = 'FILE_RECEIVED' and actor = 'cs-suffolk' and reason like 'sha256:%'", Long.class) > 0
                && jdbc.queryForObject("select count(*) from audit_entry where kind = 'RECEIVED' and tracking_id = ?", Long.class, tracking) == 1);
        assertThat(jdbc.queryForObject("select reason from audit_entry where kind = 'RECEIVED' and tracking_id = ?", String.class, tracking))
                .startsWith("placement-notification; ssda903-csv file sha256:").endsWith("Episodes line 2, 2025-26 codes");
        assertThat(jdbc.queryForObject("select count(*) from audit_entry where reason like ? or reason like '%return-1%'",
                Long.class, "%" + child + "%")).isZero();

        drop(root, "return-1-again.zip", zip);
        Path again = root.resolve("ack/return-1-again.zip.ack.csv");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(again));
        assertThat(Files.readAllLines(again).get(1)).isEqualTo("FILE,0,processed,,\"2 duplicate, 1 refused, 1 read\",,,");
        assertThat(jdbc.queryForObject("select count(*) from intake_record where sender = 'cs-suffolk' and message_id in (?, ?)",
                Long.class, placement, missingEpisode)).isEqualTo(2);
        // the local copy goes once the file is moved on the partner's server, just after the acknowledgement is written
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (var work = Files.list(DATA_DIR.resolve("inbound-work/cs-suffolk"))) {
                assertThat(work.filter(Files::isRegularFile)).isEmpty();
            }
        });
    }

    @Test
    void aBrokenFileIsRefusedWholeAndMovedToError() throws IOException {
        Path root = sftp.root("cs-suffolk");
        long before = records();
        drop(root, "broken.zip", "this is not a zip".getBytes(StandardCharsets.UTF_8));
        Path ack = root.resolve("ack/broken.zip.ack.csv");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack) && Files.exists(root.resolve("outbox/error/broken.zip")));
        assertThat(Files.readAllLines(ack).get(1))
                .isEqualTo("FILE,0,refused,,file refused: the file is not a complete zip archive (truncated or not a zip),,,");
        assertThat(records()).isEqualTo(before);
    }

    @Test
    void theAdapterPortCannotBypassIntakesChecks() {
        Bundle bundle = new Bundle();
        bundle.setId(UUID.randomUUID().toString());
        bundle.setType(Bundle.BundleType.MESSAGE);
        MessageHeader header = new MessageHeader();
        header.setEvent(new Coding("https://carebridge.example.org/fhir/CodeSystem/carebridge-event", "placement-notification", null));
        header.getSource().setEndpoint("urn:carebridge:partner:cs-norfolk");
        bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(header);
        long before = records();

        GovernedIntake.Receipt receipt = intake.submit("cs-suffolk", bundle, "test");

        assertThat(receipt.outcome()).isEqualTo(GovernedIntake.Receipt.Outcome.REFUSED);
        assertThat(receipt.reason()).isEqualTo("source-mismatch");
        assertThat(records()).isEqualTo(before);
    }

    private Map<String, String> decisions(String messageId) {
        Map<String, String> decisions = new java.util.HashMap<>();
        jdbc.query("select d.recipient, d.outcome from decision d join intake_record r on r.tracking_id = d.tracking_id "
                + "where r.sender = 'cs-suffolk' and r.message_id = ?", rs -> {
            decisions.put(rs.getString(1), rs.getString(2));
        }, messageId);
        return decisions;
    }

    private static String messageId(List<String> lines, String prefix) {
        String line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + " in " + lines));
        return line.split(",")[6];
    }

    /** As a partner should: written under a dot name, which the gateway leaves alone, then renamed. */
    private static void drop(Path root, String name, byte[] content) throws IOException {
        Path part = Files.write(root.resolve("outbox/." + name + ".part"), content);
        Files.move(part, root.resolve("outbox/" + name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] zip(Map<String, String> tables) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> table : tables.entrySet()) {
                zip.putNextEntry(new ZipEntry(table.getKey()));
                zip.write(table.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
