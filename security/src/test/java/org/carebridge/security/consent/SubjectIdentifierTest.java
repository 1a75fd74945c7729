package org.carebridge.security.consent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SubjectIdentifierTest {

    private static final String LA_SUFFOLK = SubjectIdentifier.LA_CHILD_ID_PREFIX + "E10000029";

    @ParameterizedTest
    @ValueSource(strings = {
            "9434765919", // the examples' NHS number: check digit 9
            "9434765870", // remainder 0: check digit 0
            "4010232137"})
    void validNhsNumbersPass(String value) {
        assertThat(SubjectIdentifier.validNhsNumber(value)).isTrue();
        assertThat(SubjectIdentifier.problem(SubjectIdentifier.NHS_NUMBER, value)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "9434765918", // wrong check digit
            "9434765910",
            "4943476591", // digits transposed
            "0000000060", // check digit would be 10: never valid
            "0000000061",
            "943476591", // nine digits
            "94347659190", // eleven digits
            "943 476 5919", // spaced
            "943476591X"})
    void invalidNhsNumbersFail(String value) {
        assertThat(SubjectIdentifier.validNhsNumber(value)).isFalse();
        assertThat(SubjectIdentifier.problem(SubjectIdentifier.NHS_NUMBER, value))
                .isEqualTo("NHS number is not 10 digits with a valid check digit");
    }

    @Test
    void aMissingNhsNumberIsNotValid() {
        assertThat(SubjectIdentifier.validNhsNumber(null)).isFalse();
    }

    @Test
    void theKnownSystemsAreKnown() {
        assertThat(SubjectIdentifier.knownSystem(SubjectIdentifier.NHS_NUMBER)).isTrue();
        assertThat(SubjectIdentifier.knownSystem(SubjectIdentifier.POLICE_NATIONAL_COMPUTER)).isTrue();
        assertThat(SubjectIdentifier.knownSystem("https://carebridge.example.org/fhir/NamingSystem/la-child-id/E10000029")).isTrue();
        assertThat(SubjectIdentifier.knownSystem(SubjectIdentifier.LA_CHILD_ID_PREFIX + "W06000015")).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "https://example.org/fhir/NamingSystem/shoe-size",
            "http://fhir.nhs.uk/Id/nhs-number", // http, not https
            "https://fhir.nhs.uk/Id/nhs-number/",
            "https://carebridge.example.org/fhir/NamingSystem/la-child-id/",
            "https://carebridge.example.org/fhir/NamingSystem/la-child-id/E1000002", // seven digits
            "https://carebridge.example.org/fhir/NamingSystem/la-child-id/E100000290",
            "https://carebridge.example.org/fhir/NamingSystem/la-child-id/X10000029",
            "https://carebridge.example.org/fhir/NamingSystem/la-child-id/e10000029",
            "https://carebridge.example.org/fhir/NamingSystem/la-child-id"})
    void otherSystemsAreUnknown(String system) {
        assertThat(SubjectIdentifier.knownSystem(system)).isFalse();
        assertThat(SubjectIdentifier.problem(system, "SCC-000123")).contains("is not one the gateway knows");
    }

    @Test
    void aLocalAuthorityChildIdTakesAnyValue() {
        assertThat(SubjectIdentifier.problem(LA_SUFFOLK, "SCC-000123")).isNull();
        assertThat(SubjectIdentifier.problem(SubjectIdentifier.POLICE_NATIONAL_COMPUTER, "26/123456A")).isNull();
    }

    @Test
    void aMissingValueIsAProblem() {
        assertThat(SubjectIdentifier.problem(LA_SUFFOLK, null)).isEqualTo("identifier value is missing");
        assertThat(SubjectIdentifier.problem(LA_SUFFOLK, "  ")).isEqualTo("identifier value is missing");
        assertThat(SubjectIdentifier.problem(SubjectIdentifier.NHS_NUMBER, "")).isEqualTo("identifier value is missing");
    }

    @Test
    void subjectsMatchOnlyOnSystemAndValue() {
        SubjectIdentifier suffolk = new SubjectIdentifier(LA_SUFFOLK, "SCC-000123");

        assertThat(suffolk).isEqualTo(new SubjectIdentifier(LA_SUFFOLK, "SCC-000123"));
        assertThat(suffolk).isNotEqualTo(new SubjectIdentifier(SubjectIdentifier.LA_CHILD_ID_PREFIX + "E10000020", "SCC-000123"));
        assertThat(suffolk).isNotEqualTo(new SubjectIdentifier(LA_SUFFOLK, "scc-000123"));
    }
}
