package org.carebridge.connectors.inbound;

import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code new-episodes: since-last-file}: an episode is new when it starts after the latest DECOM of the partner's last file. */
class Ssda903SinceLastFileTest {

    private static final Path CONFIG = Path.of("..", "config");
    private static final String HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nSCC000200,1,14/03/2012,WBRI,UN4,,\r\n";
    private static final String EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n";

    @TempDir
    Path dir;

    /** The partner's memory, as the gateway's database keeps it: the latest DECOM so far, never moved back. */
    private final Map<String, LocalDate> remembered = new HashMap<>();
    private final LastFiles lastFiles = new LastFiles() {
        @Override
        public Optional<LocalDate> latestEpisodeStart(String partnerId) {
            return Optional.ofNullable(remembered.get(partnerId));
        }

        @Override
        public void remember(String partnerId, LocalDate latest) {
            remembered.merge(partnerId, latest, (a, b) -> a.isAfter(b) ? a : b);
        }
    };

    @Test
    void theFirstFileUsesTheWindowAndEachLaterFileTakesOnlyEpisodesAfterTheLastOnesLatestDecom() throws IOException {
        Acknowledgement first = receive(EPISODES + "SCC000200,01/04/2026,S,V2,N1,U6,PR1,20/11/2026,X1,,,,XXXXXXX\r\n"
                + "SCC000200,20/11/2026,P,C2,N1,K2,PR4,,,CARPL,,,SC480321\r\n", lastFiles);
        assertThat(first.summary()).isEqualTo("1 accepted, 1 skipped, 1 read");
        assertThat(remembered).containsEntry("cs-suffolk", LocalDate.parse("2026-11-20"));

        String second = EPISODES + "SCC000200,20/11/2026,P,C2,N1,K2,PR4,,,CARPL,,,SC480321\r\n"
                + "SCC000200,25/11/2026,T,C2,N1,K2,PR4,,,CARPL,,,SC480321\r\n";
        Acknowledgement sinceLast = receive(second, lastFiles);
        assertThat(sinceLast.csv().lines().toList()).contains("Episodes,2,skipped,,the episode started before 2026-11-21: not new,,,");
        assertThat(sinceLast.summary()).isEqualTo("1 accepted, 1 skipped, 1 read");
        assertThat(remembered).containsEntry("cs-suffolk", LocalDate.parse("2026-11-25"));

        assertThat(receive(second, null).summary()).as("the window alone takes both").isEqualTo("2 accepted, 1 read");
    }

    @Test
    void aRefusedFileIsNotRemembered() throws IOException {
        remembered.put("cs-suffolk", LocalDate.parse("2026-11-01"));
        Acknowledgement refused = receive("CHILD,DECOM\r\nSCC000200,30/11/2026\r\n", lastFiles);
        assertThat(refused.refused()).isTrue();
        assertThat(remembered).containsEntry("cs-suffolk", LocalDate.parse("2026-11-01"));
    }

    private Acknowledgement receive(String episodes, LastFiles memory) throws IOException {
        Path zip = dir.resolve("return-" + System.nanoTime() + ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, String> table : Map.of("Header.csv", HEADER, "Episodes.csv", episodes).entrySet()) {
                out.putNextEntry(new ZipEntry(table.getKey()));
                out.write(table.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        GovernedIntake intake = new GovernedIntake() {
            @Override
            public Receipt submit(String partnerId, Bundle message, String via) {
                return Receipt.accepted(message.getIdElement().getIdPart(), 1);
            }

            @Override
            public void fileProcessed(String partnerId, String fileDigest, String outcome, String summary) {
            }
        };
        Ssda903Settings settings = new Ssda903Settings("cs-suffolk", "Suffolk County Council Children's Services", "E10000029",
                CollectionYears.load(CONFIG.resolve("formats/ssda903")).year("2025-26").orElseThrow(), null,
                Ssda903Settings.UnknownColumns.WARN);
        return new Ssda903Inbound(intake, settings, Period.ofDays(90), ChildrensHomes.load(CONFIG.resolve("homes.yaml")),
                Ssda903Inbound.Form.CSV, ZippedTables.Limits.DEFAULT, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC),
                memory).receive(zip.getFileName().toString(), zip);
    }
}
