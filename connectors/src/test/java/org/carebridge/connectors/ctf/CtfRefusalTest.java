package org.carebridge.connectors.ctf;

import org.carebridge.connectors.ssda903.RowOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad CTF input is refused clearly, at file or pupil level, and never echoes a pupil's details. */
class CtfRefusalTest {

    private static final String HEADER = "<Header><CTFversion>25.0</CTFversion><SourceSchool><LEA>935</LEA><Estab>4001</Estab>"
            + "<URN>124789</URN><SchoolName>Example High School</SchoolName></SourceSchool></Header>";

    @Test
    void anExternalEntityIsRefusedBeforeParsingSoNoFileIsRead(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "SECRET-MARKER");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE CTfile [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<CTfile>" + HEADER + "<CTFpupilData><Pupil><UPN>&x;</UPN></Pupil></CTFpupilData></CTfile>";
        assertThatThrownBy(() -> CtfFixtures.read(xml.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CtfRefused.class).hasMessageContaining("DOCTYPE").hasMessageNotContaining("SECRET");
    }

    @Test
    void entityExpansionIsRefusedBeforeParsing() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            xml.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        xml.append("]>\n<CTfile>").append(HEADER).append("<CTFpupilData><Pupil><UPN>&lol9;</UPN></Pupil></CTFpupilData></CTfile>");
        assertThatThrownBy(() -> CtfFixtures.read(xml.toString().getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CtfRefused.class).hasMessageContaining("entity expansion");
    }

    @Test
    void aTruncatedFileIsRefusedWhole() throws IOException {
        byte[] whole = Files.readAllBytes(CtfFixtures.RESOURCES.resolve("school-plain.xml"));
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> CtfFixtures.read(half)).isInstanceOf(CtfRefused.class).hasMessageContaining("truncated");
    }

    @Test
    void anEmptyFileAnotherRootAndAMissingHeaderAreRefused() {
        assertThatThrownBy(() -> CtfFixtures.read(new byte[0])).isInstanceOf(CtfRefused.class).hasMessage("the file is empty");
        assertThatThrownBy(() -> CtfFixtures.read("<EXPSSDA903/>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CtfRefused.class).hasMessageContaining("root element must be CTfile");
        assertThatThrownBy(() -> CtfFixtures.read("<CTfile><CTFpupilData/></CTfile>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CtfRefused.class).hasMessageContaining("Header must come before");
        assertThatThrownBy(() -> CtfFixtures.read("<CTfile><Header/></CTfile>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CtfRefused.class).hasMessageContaining("no SourceSchool");
    }

    @Test
    void aPupilWithTooManyElementsIsRefusedAsABomb() {
        String pupil = "<Pupil>" + "<SchoolHistory/>".repeat(6000) + "</Pupil>";
        byte[] xml = ("<CTfile>" + HEADER + "<CTFpupilData>" + pupil + "</CTFpupilData></CTfile>").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CtfFixtures.read(xml)).isInstanceOf(CtfRefused.class).hasMessageContaining("more than 5000 elements");
    }

    @Test
    void noRefusalOrSkipEchoesAPupilsDetails() throws IOException {
        String file = Files.readString(CtfFixtures.RESOURCES.resolve("school-plain.xml"));
        List<RowOutcome> outcomes = CtfFixtures.read(CtfFixtures.RESOURCES.resolve("school-plain.xml"));
        assertThat(outcomes).filteredOn(o -> o.status() == RowOutcome.Status.REFUSED).hasSize(4);
        List<String> personal = List.of("Example", "Alex", "Sample", "Mistyped", "Datey", "Elsewhere", "A935400120005",
                "X935400121006", "P935400121009", "2013-02-28", "03/11/2025");
        assertThat(personal).allSatisfy(value -> assertThat(file).contains(value));
        for (RowOutcome outcome : outcomes) {
            String said = outcome.detail() + " " + outcome.column();
            assertThat(personal).noneSatisfy(value -> assertThat(said).contains(value));
        }
    }

    @Test
    void aBadPupilIsRefusedAloneAndTheNextStillMaps() {
        String bad = "<Pupil><UPN>not-a-upn</UPN><LookedAfter><InCare>true</InCare></LookedAfter>"
                + "<Exclusions><Exclusion><StartDate>2025-11-19</StartDate><Category>FIXD</Category></Exclusion></Exclusions></Pupil>";
        String good = "<Pupil><UPN>B935400121001</UPN><LookedAfter><InCare>true</InCare></LookedAfter>"
                + "<Exclusions><Exclusion><StartDate>2025-11-19</StartDate><Category>FIXD</Category></Exclusion></Exclusions></Pupil>";
        byte[] xml = ("<CTfile>\n" + HEADER + "\n<CTFpupilData>\n" + bad + "\n" + good + "\n</CTFpupilData></CTfile>")
                .getBytes(StandardCharsets.US_ASCII);
        List<RowOutcome> outcomes = CtfFixtures.read(xml);
        assertThat(outcomes).extracting(RowOutcome::status).containsExactly(RowOutcome.Status.REFUSED, RowOutcome.Status.MAPPED);
        assertThat(outcomes.get(0).line()).isEqualTo(4);
        assertThat(outcomes.get(0).column()).isEqualTo("UPN");
        assertThat(outcomes.get(0).detail()).isEqualTo("UPN is not a 13-character unique pupil number");
    }
}
