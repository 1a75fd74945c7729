package org.carebridge.connectors.ctf;

import org.carebridge.connectors.ssda903.RowOutcome;
import org.carebridge.security.fhir.MessageAreas;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden file: a messy CTF (made here with the specification's element names: a byte-order mark, Windows line ends,
 * padded and lower-case values, {@code 100.0} sessions, {@code Gender} where an older version wrote it) maps pupil by
 * pupil to exactly the committed outcomes. {@code -Dgolden.update=true} rewrites it after a deliberate change; review the diff.
 */
class CtfGoldenTest {

    @Test
    void aMessySchoolFileMapsPupilByPupilAsTheGoldenFileSays() throws IOException {
        List<RowOutcome> outcomes = CtfFixtures.read(CtfFixtures.RESOURCES.resolve("school-messy.xml"));
        Path file = CtfFixtures.RESOURCES.resolve("expected").resolve("school-messy.xml.json");
        String actual = CtfFixtures.golden(outcomes);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).exists();
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void theByteOrderMarkAndWindowsLineEndsChangeNothing() throws IOException {
        assertThat(CtfFixtures.golden(CtfFixtures.read(CtfFixtures.RESOURCES.resolve("school-plain.xml"))))
                .isEqualTo(CtfFixtures.golden(CtfFixtures.read(CtfFixtures.RESOURCES.resolve("school-messy.xml"))));
    }

    @Test
    void eachExclusionAndSevereAbsenceOfAPupilLookedAfterByTheSenderBecomesAnEducationUpdate() {
        List<RowOutcome> mapped = CtfFixtures.read(CtfFixtures.RESOURCES.resolve("school-messy.xml")).stream()
                .filter(o -> o.status() == RowOutcome.Status.MAPPED).toList();
        assertThat(mapped).extracting(o -> o.bundle().getEntry().stream()
                        .filter(e -> e.getResource() instanceof org.hl7.fhir.r4.model.Observation)
                        .map(e -> ((org.hl7.fhir.r4.model.Observation) e.getResource()).getCode().getCodingFirstRep().getCode())
                        .findFirst().orElseThrow())
                .containsExactly("missing-education", "suspension", "permanent-exclusion", "suspension");
        assertThat(mapped).allSatisfy(o -> {
            assertThat(o.event()).isEqualTo("education-update");
            assertThat(MessageAreas.responsibleArea(o.bundle())).contains("E10000029");
            assertThat(o.bundle().getIdElement().getIdPart()).isEqualTo(o.messageId());
        });
    }

    @Test
    void theSameFileTwiceGivesTheSameMessages() throws IOException {
        Path file = CtfFixtures.RESOURCES.resolve("school-messy.xml");
        assertThat(CtfFixtures.golden(CtfFixtures.read(file))).isEqualTo(CtfFixtures.golden(CtfFixtures.read(file)));
        List<String> ids = CtfFixtures.read(file).stream().filter(o -> o.messageId() != null).map(RowOutcome::messageId).toList();
        assertThat(ids).doesNotHaveDuplicates().hasSize(4);
    }

    @Test
    void theUpnCheckLetterIsChecked() {
        assertThat(CtfMapper.checkLetterMatches("B935400121001")).isTrue();
        assertThat(CtfMapper.checkLetterMatches("B935400121002")).isFalse();
        assertThat(CtfMapper.checkLetterMatches("Q935400121002")).isTrue();
    }
}
