package org.carebridge.connectors.ssda903;

import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Messy input tolerated as real exports need, and bad input refused clearly, at file or row level. */
class Ssda903RefusalTest {

    private static final String HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/02/2012,WBRI,,,\n";
    private static final String EPISODES_HEADINGS = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";

    private final Ssda903Reader reader = Ssda903Fixtures.reader();

    private List<RowOutcome> csv(String header, String episodes) {
        return Ssda903Fixtures.csv(reader, Ssda903Fixtures.tables(Map.of("Header.csv", header, "Episodes.csv", episodes)));
    }

    @Test
    void aMissingRequiredColumnRefusesTheFile() {
        assertThatThrownBy(() -> csv(HEADER, "CHILD,DECOM,RNE,LS,CIN\nC1,14/11/2025,P,C2,N1\n"))
                .isInstanceOf(Ssda903Refused.class)
                .hasMessage("table Episodes: the required column PLACE is missing");
    }

    @Test
    void anUnknownColumnWarnsOrRefusesAsConfigured() {
        String episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,WORKER_NOTES\nC1,14/11/2025,P,C2,N1,K2,free text\n";
        List<RowOutcome> warned = csv(HEADER, episodes);
        assertThat(warned).anyMatch(o -> o.status() == RowOutcome.Status.WARNING
                && o.detail().equals("column WORKER_NOTES is not an SSDA903 Episodes column; ignored"));
        assertThat(warned).anyMatch(o -> o.status() == RowOutcome.Status.MAPPED);

        Ssda903Reader strict = new Ssda903Reader(Ssda903Fixtures.settings(Ssda903Settings.UnknownColumns.REFUSE), Ssda903Fixtures.HOMES);
        assertThatThrownBy(() -> Ssda903Fixtures.csv(strict, Ssda903Fixtures.tables(Map.of("Header.csv", HEADER, "Episodes.csv", episodes))))
                .isInstanceOf(Ssda903Refused.class)
                .hasMessage("table Episodes: column WORKER_NOTES is not an SSDA903 Episodes column");
    }

    @Test
    void emptyFilesAndTablesAreRefused(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> csv("", EPISODES_HEADINGS)).hasMessage("table Header is empty: it has no heading line");
        assertThatThrownBy(() -> csv("\r\n\r\n", EPISODES_HEADINGS)).hasMessage("table Header is empty: it has no heading line");
        Path empty = Files.createFile(dir.resolve("empty.zip"));
        assertThatThrownBy(() -> reader.readCsvZip(empty, ZippedTables.Limits.DEFAULT, Ssda903Fixtures.MAPPED_AT, o -> { }))
                .hasMessage("the file is empty");
        assertThatThrownBy(() -> reader.readXml(new ByteArrayInputStream(new byte[0]), Ssda903Fixtures.MAPPED_AT, o -> { }))
                .hasMessage("the file is empty");
    }

    @Test
    void aTableWithoutHeaderOrEventsIsRefused() {
        assertThatThrownBy(() -> Ssda903Fixtures.csv(reader, Ssda903Fixtures.tables(Map.of("Episodes.csv", EPISODES_HEADINGS))))
                .hasMessage("the Header table is missing");
        assertThatThrownBy(() -> Ssda903Fixtures.csv(reader, Ssda903Fixtures.tables(Map.of("Header.csv", HEADER))))
                .hasMessage("there is neither an Episodes nor a Missing table");
    }

    @Test
    void aTruncatedTableIsRefusedWholeButAShortRowInTheMiddleIsRefusedAlone() {
        String cut = EPISODES_HEADINGS + "C1,14/11/2025,P,C2,N1,K2,PR4,,,,,NR1 1AA,SC480321\nC1,15/11/2025,P,C2";
        assertThatThrownBy(() -> csv(HEADER, cut)).hasMessage("table Episodes is truncated: its last line (3) ends part-way");
        String openQuote = EPISODES_HEADINGS + "C1,14/11/2025,P,C2,N1,K2,PR4,,,,,\"NR1 1AA";
        assertThatThrownBy(() -> csv(HEADER, openQuote)).hasMessageContaining("table Episodes is truncated");

        List<RowOutcome> rows = csv(HEADER, EPISODES_HEADINGS + "C1,15/11/2025,P,C2\nC1,14/11/2025,P,C2,N1,K2,PR4,,,,,NR1 1AA,SC480321");
        assertThat(rows).extracting(RowOutcome::status).containsSubsequence(RowOutcome.Status.REFUSED, RowOutcome.Status.MAPPED);
    }

    @Test
    void aTruncatedZipIsRefused(@TempDir Path dir) throws IOException {
        Path zip = Ssda903Fixtures.zip(dir.resolve("return.zip"), Map.of("Header.csv", HEADER.getBytes(StandardCharsets.UTF_8),
                "Episodes.csv", EPISODES_HEADINGS.getBytes(StandardCharsets.UTF_8)));
        byte[] whole = Files.readAllBytes(zip);
        Path cut = Files.write(dir.resolve("cut.zip"), Arrays.copyOf(whole, whole.length - 30));
        assertThatThrownBy(() -> reader.readCsvZip(cut, ZippedTables.Limits.DEFAULT, Ssda903Fixtures.MAPPED_AT, o -> { }))
                .hasMessage("the file is not a complete zip archive (truncated or not a zip)");
    }

    @Test
    void aZipBombIsRefusedWhileInflating(@TempDir Path dir) throws IOException {
        byte[] zeros = new byte[20 * 1024 * 1024];
        Path bomb = Ssda903Fixtures.zip(dir.resolve("bomb.zip"), Map.of("Header.csv", zeros,
                "Episodes.csv", EPISODES_HEADINGS.getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.size(bomb)).isLessThan(200_000);
        assertThatThrownBy(() -> reader.readCsvZip(bomb, ZippedTables.Limits.DEFAULT, Ssda903Fixtures.MAPPED_AT, o -> { }))
                .isInstanceOf(Ssda903Refused.class)
                .hasMessageContaining("inflates more than 100 times its compressed size");
    }

    @Test
    void aCodeFromAnotherYearsListNamesTheYearAndTheCode() {
        List<RowOutcome> rows = csv(HEADER, EPISODES_HEADINGS + "C1,14/11/2025,P,C2,N1,P2,PR4,,,,,,\n");
        assertThat(rows).anyMatch(o -> o.status() == RowOutcome.Status.REFUSED && o.line() == 2 && "PLACE".equals(o.column())
                && o.detail().equals("PLACE 'P2' is not in the 2025-26 code list (it is a 2024-25 code)"));
    }

    @Test
    void wrongDateFormatsAreRefusedByRow() {
        List<RowOutcome> rows = csv(HEADER, EPISODES_HEADINGS
                + "C1,2025-11-14,P,C2,N1,K2,,,,,,,\nC1,14/11/25,P,C2,N1,K2,,,,,,,\nC1,31/11/2025,P,C2,N1,K2,,,,,,,\n");
        assertThat(rows.stream().filter(o -> o.status() == RowOutcome.Status.REFUSED)).extracting(RowOutcome::detail).containsExactly(
                "DECOM is not a date in the form DD/MM/YYYY", "DECOM is not a date in the form DD/MM/YYYY",
                "DECOM is not a real calendar date (DD/MM/YYYY)");
    }

    @Test
    void rowProblemsNeverEchoPersonalData() {
        List<RowOutcome> outcomes = Ssda903Fixtures.csv(reader, Ssda903Fixtures.folder(Ssda903Fixtures.RESOURCES.resolve("suffolk-messy")));
        List<String> personal = List.of("SCC000", "2012", "2010", "2009", "IP1", "NR1", "IP2");
        for (RowOutcome outcome : outcomes) {
            if (outcome.detail() != null) {
                assertThat(personal).noneMatch(p -> outcome.detail().contains(p));
            }
        }
        assertThat(outcomes).anyMatch(o -> o.status() == RowOutcome.Status.REFUSED);
    }

    @Test
    void theSameRowsGiveTheSameMessageIds() {
        List<String> first = ids(csv(HEADER, EPISODES_HEADINGS + "C1,14/11/2025,P,C2,N1,K2,PR4,,,,,,SC480321\n"));
        List<String> again = ids(csv(HEADER, EPISODES_HEADINGS + "C1,14/11/2025,T,C2,N1,K2,PR4,,,,,,SC480321\r\n\r\n"));
        assertThat(first).hasSize(1).isEqualTo(again);
    }

    @Test
    void aDoctypeIsRefusedBeforeParsingSoNoExternalEntityIsRead(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "SECRET");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE EXPSSDA903 [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<EXPSSDA903><CHILD><HEADER><CHILDID>&x;</CHILDID></HEADER></CHILD></EXPSSDA903>";
        List<RowOutcome> outcomes = new ArrayList<>();
        assertThatThrownBy(() -> reader.readXml(new ByteArrayInputStream(xxe.getBytes(StandardCharsets.UTF_8)), Ssda903Fixtures.MAPPED_AT, outcomes::add))
                .isInstanceOf(Ssda903Refused.class)
                .hasMessage("the XML declares a DOCTYPE; DTDs and entities are refused (XXE and entity expansion)");
        assertThat(outcomes).isEmpty();
    }

    @Test
    void entityExpansionIsRefusedBeforeParsing() {
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?>\n<!-- a comment first -->\n<!doctype lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        laughs.append("]>\n<EXPSSDA903>&lol9;</EXPSSDA903>");
        assertThatThrownBy(() -> reader.readXml(new ByteArrayInputStream(laughs.toString().getBytes(StandardCharsets.UTF_8)),
                Ssda903Fixtures.MAPPED_AT, o -> { }))
                .hasMessage("the XML declares a DOCTYPE; DTDs and entities are refused (XXE and entity expansion)");
    }

    @Test
    void aTruncatedXmlFileIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(Ssda903Fixtures.RESOURCES.resolve("suffolk.xml"));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> reader.readXml(new ByteArrayInputStream(cut), Ssda903Fixtures.MAPPED_AT, o -> { }))
                .isInstanceOf(Ssda903Refused.class)
                .hasMessageStartingWith("the XML is not well formed or is truncated");
    }

    @Test
    void aReceivingAreaComesFromTheFileOrTheRegisterAndIsNeverGuessed() {
        String headings = "CHILD,DECOM,RNE,LS,CIN,PLACE,PL_POST,URN,PL_LA\n";
        List<RowOutcome> rows = csv(HEADER, headings
                + "C1,14/11/2025,P,C2,N1,K2,NR1 1AA,SC480321,\n"      // register: Norfolk
                + "C1,15/11/2025,P,C2,N1,K2,NR1 1AA,SC999999,\n"      // not registered: unknown, whatever the postcode
                + "C1,16/11/2025,P,C2,N1,K2,NR1 1AA,SC999999,E10000029\n");
        List<String> areas = rows.stream().filter(o -> o.status() == RowOutcome.Status.MAPPED)
                .map(o -> org.carebridge.security.fhir.MessageAreas.receivingArea(o.bundle()).orElse("unknown")).toList();
        assertThat(areas).containsExactly("E10000020", "unknown", "E10000029");
    }

    @Test
    void aMissingEpisodeIsPlacedWhereTheChildWasWhenItStarted() {
        String episodes = EPISODES_HEADINGS
                + "C1,01/05/2025,P,C2,N1,K2,PR4,,,,,,SC600001\n"    // before the window, superseded
                + "C1,01/06/2025,P,C2,N1,K2,PR4,,,,,,SC480321\n"    // before the window: where the child was when it opened
                + "C1,20/11/2025,P,C2,N1,K1,PR4,,,,,,SC512345\n";
        String missing = "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/02/2012,M,15/11/2025,\nC1,01/02/2012,A,21/11/2025,\n";
        List<RowOutcome> rows = Ssda903Fixtures.csv(reader, Ssda903Fixtures.tables(new java.util.LinkedHashMap<>(Map.of(
                "Header.csv", HEADER, "Episodes.csv", episodes, "Missing.csv", missing))));
        List<String> homes = rows.stream().filter(o -> o.status() == RowOutcome.Status.MAPPED && "missing-episode".equals(o.event()))
                .map(o -> o.bundle().getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                        .filter(org.hl7.fhir.r4.model.Location.class::isInstance)
                        .map(l -> ((org.hl7.fhir.r4.model.Location) l).getIdentifierFirstRep().getValue()).findFirst().orElse("none"))
                .toList();
        assertThat(homes).containsExactly("SC480321", "SC512345");
    }

    private static List<String> ids(List<RowOutcome> outcomes) {
        return outcomes.stream().filter(o -> o.status() == RowOutcome.Status.MAPPED).map(RowOutcome::messageId).toList();
    }
}
