package org.carebridge.connectors.ctf;

import org.carebridge.connectors.ssda903.RowOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader depends on the DfE CTF specification's element names (the sources are in the README's CTF section) and on
 * nothing near them: the fixture with one of those elements renamed maps differently, so a reader that looked for
 * another spelling (or the fixture that used one) fails here, not only in a golden diff.
 */
class CtfElementNamesTest {

    /** As the DfE CTF specification names them: the header, the pupil, the looked-after block, attendance. */
    static final List<String> SPECIFICATION = List.of("CTfile", "Header", "CTFversion", "SourceSchool", "LEA", "Estab", "URN",
            "SchoolName", "CTFpupilData", "Pupil", "UPN", "Surname", "Forename", "DOB", "Sex", "Gender", "LookedAfter", "InCare",
            "CareAuthority", "Attendance", "YearData", "Year", "SessionsPossible", "SessionsAuthorised", "SessionsUnauthorised",
            "AttendanceStartDate");

    /** Not in the published CTF, which has no exclusions module: CareBridge-defined. */
    static final List<String> CAREBRIDGE_DEFINED = List.of("Exclusions", "Exclusion", "StartDate", "EndDate", "Category");

    static Stream<String> specification() {
        return SPECIFICATION.stream();
    }

    static Stream<String> carebridgeDefined() {
        return CAREBRIDGE_DEFINED.stream();
    }

    @ParameterizedTest
    @MethodSource("specification")
    void eachSpecificationNameTheReaderUsesChangesTheMappingWhenMisspelt(String name) throws IOException {
        String fixture = fixture();
        assertThat(fixture).as("the fixture uses <%s>", name).contains("<" + name + ">");
        assertThat(same(mapped(renamed(fixture, name)), asWritten())).as("the mapping with <%s> misspelt is unchanged", name).isFalse();
    }

    @ParameterizedTest
    @MethodSource("carebridgeDefined")
    void eachCarebridgeDefinedExclusionNameChangesTheMappingWhenMisspelt(String name) throws IOException {
        assertThat(same(mapped(renamed(fixture(), name)), asWritten())).as("the mapping with <%s> misspelt is unchanged", name).isFalse();
    }

    @Test
    void aLookedAfterBlockUnderBasicDetailsIsNotTheSpecificationsAndIsNotRead() throws IOException {
        String pupil = "<Pupil><UPN>B935400121001</UPN><BasicDetails><LookedAfter><InCare>true</InCare></LookedAfter></BasicDetails>"
                + "<Exclusions><Exclusion><StartDate>2025-11-19</StartDate><Category>FIXD</Category></Exclusion></Exclusions></Pupil>";
        String file = fixture().replaceFirst("(?s)<CTFpupilData>.*</CTFpupilData>", "<CTFpupilData>" + pupil + "</CTFpupilData>");

        assertThat(CtfFixtures.read(file.getBytes(StandardCharsets.UTF_8))).singleElement().satisfies(o ->
                assertThat(o.detail()).startsWith("the CTF does not say the pupil is looked after"));
        assertThat(CtfFixtures.read(file.replace("<BasicDetails><LookedAfter><InCare>true</InCare></LookedAfter></BasicDetails>",
                "<LookedAfter><InCare>true</InCare></LookedAfter>").getBytes(StandardCharsets.UTF_8)))
                .singleElement().satisfies(o -> assertThat(o.event()).isEqualTo("education-update"));
    }

    private static Object baseline;

    /** What the fixture as written maps to (the same for every case, so made once). */
    private static synchronized Object asWritten() throws IOException {
        if (baseline == null) {
            baseline = mapped(fixture());
        }
        return baseline;
    }

    private static String fixture() throws IOException {
        return Files.readString(CtfFixtures.RESOURCES.resolve("school-plain.xml"), StandardCharsets.UTF_8);
    }

    /** Every start, end and empty tag of {@code name}, and no other element's, spelt with an X after it. */
    private static String renamed(String xml, String name) {
        return Pattern.compile("<(/?)" + Pattern.quote(name) + "(?=[\\s/>])").matcher(xml)
                .replaceAll(m -> Matcher.quoteReplacement("<" + m.group(1) + name + "X"));
    }

    /** The outcomes the file maps to, or the file's refusal. */
    private static Object mapped(String xml) {
        try {
            return CtfFixtures.read(xml.getBytes(StandardCharsets.UTF_8));
        } catch (CtfRefused refused) {
            return "refused: " + refused.getMessage();
        }
    }

    /** The same outcomes, bundles compared element by element (as the golden form would, without writing it). */
    private static boolean same(Object a, Object b) {
        if (!(a instanceof List<?> these) || !(b instanceof List<?> those)) {
            return a.equals(b);
        }
        if (these.size() != those.size()) {
            return false;
        }
        for (int i = 0; i < these.size(); i++) {
            RowOutcome x = (RowOutcome) these.get(i);
            RowOutcome y = (RowOutcome) those.get(i);
            boolean bundles = x.bundle() == null ? y.bundle() == null : y.bundle() != null && x.bundle().equalsDeep(y.bundle());
            if (!bundles || !x.table().equals(y.table()) || x.line() != y.line() || x.status() != y.status()
                    || !Objects.equals(x.column(), y.column()) || !Objects.equals(x.detail(), y.detail())
                    || !Objects.equals(x.event(), y.event()) || !Objects.equals(x.messageId(), y.messageId())) {
                return false;
            }
        }
        return true;
    }
}
