package org.carebridge.connectors.inbound;

import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The example return in config/examples/ssda903 is answered as the README's walk-through shows. */
class Ssda903ExampleDropTest {

    private static final Path CONFIG = Path.of("..", "config");

    @TempDir
    Path dir;

    @Test
    void theReadmeDropIsAnsweredAsShown() throws IOException {
        Path zip = dir.resolve("suffolk-return.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String table : List.of("Header.csv", "Episodes.csv", "Missing.csv")) {
                out.putNextEntry(new ZipEntry(table));
                out.write(Files.readAllBytes(CONFIG.resolve("examples/ssda903").resolve(table)));
                out.closeEntry();
            }
        }
        List<String> events = new ArrayList<>();
        GovernedIntake intake = new GovernedIntake() {
            @Override
            public Receipt submit(String partnerId, Bundle message, String via) {
                events.add(((org.hl7.fhir.r4.model.MessageHeader) message.getEntryFirstRep().getResource()).getEventCoding().getCode());
                return Receipt.accepted("t" + events.size(), events.size() == 1 ? 3 : 2);
            }

            @Override
            public void fileProcessed(String partnerId, String fileDigest, String outcome, String summary) {
            }
        };
        Ssda903Settings settings = new Ssda903Settings("cs-suffolk", "Suffolk County Council Children's Services", "E10000029",
                CollectionYears.load(CONFIG.resolve("formats/ssda903")).year("2025-26").orElseThrow(), null,
                Ssda903Settings.UnknownColumns.WARN);
        Acknowledgement ack = new Ssda903Inbound(intake, settings, Period.ofDays(90), ChildrensHomes.load(CONFIG.resolve("homes.yaml")),
                Ssda903Inbound.Form.CSV, ZippedTables.Limits.DEFAULT, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC))
                .receive("suffolk-return.zip", zip);

        assertThat(ack.summary()).isEqualTo("2 accepted, 1 refused, 2 skipped, 2 read");
        assertThat(events).containsExactly("placement-notification", "missing-episode");
        assertThat(ack.csv().lines().toList()).contains(
                "Episodes,2,skipped,,the episode started before 2026-09-02: not new,,,",
                "Episodes,5,refused,PLACE,PLACE 'H5' is not in the 2025-26 code list (it is a 2024-25 code),,,");
    }
}
