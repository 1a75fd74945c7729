package org.carebridge.security.minimisation;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.carebridge.security.RealConfig;
import org.carebridge.security.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class FieldProfilesTest {

    @TempDir
    Path dir;

    @Test
    void theRealProfilesLoad() {
        FieldProfiles profiles = RealConfig.profiles();

        assertThat(profiles.names()).containsExactlyInAnyOrder("placement-childrens-services", "placement-health",
                "placement-virtual-school", "placement-police-risk", "care-leaver-police-contact", "liaison-diversion-youth-justice",
                "custody-childrens-services", "custody-liaison-diversion", "out-of-area-responsible-authority",
                "missing-episode-police", "missing-episode-childrens-services", "return-home-interview-police",
                "return-home-interview-childrens-services", "prosecution-file-police", "prosecution-file-police-with-needs-assessment",
                "diversion-panel-police", "diversion-panel-childrens-services", "education-update-childrens-services",
                "education-update-youth-justice", "mash-referral",
                "clock-breach-alert", "copy-withdrawal", "monthly-monitoring-report", "liaison-diversion-custody");
        assertThat(profiles.names()).allSatisfy(name -> {
            FieldProfile profile = profiles.get(name).orElseThrow();
            assertThat(profile.name()).isEqualTo(name);
            assertThat(profile.description()).isNotBlank();
            assertThat(profile.elements()).isNotEmpty().allSatisfy(e -> assertThat(e).matches("[A-Z][A-Za-z]+(\\.[a-z][A-Za-z]*)+"));
        });
        assertThat(profiles.get("nothing")).isEmpty();
    }

    @Test
    void theRealProfilesFollowTheMinimisationRules() {
        FieldProfiles profiles = RealConfig.profiles();

        FieldProfile school = profiles.get("placement-virtual-school").orElseThrow();
        assertThat(school.elements()).contains("Patient.birthDate", "Location.address")
                .noneMatch(e -> e.startsWith("Condition.") || e.startsWith("Flag."));
        FieldProfile police = profiles.get("placement-police-risk").orElseThrow();
        assertThat(police.elements()).contains("Flag.code").noneMatch(e -> e.startsWith("Condition."));
        FieldProfile youthJustice = profiles.get("liaison-diversion-youth-justice").orElseThrow();
        assertThat(youthJustice.elements()).contains("Condition.code").doesNotContain("Condition.note");
    }

    @Test
    void anElementFhirDoesNotHaveIsRejectedWithFileLineAndElement() throws IOException {
        String yaml = profile("Patient.birthDate", "Patient.favouriteColour");
        Path file = write(yaml);

        ConfigurationException e = failure(() -> load(file));

        assertThat(e.getMessage()).startsWith(file + ": ");
        assertThat(e.problems()).containsExactly("line " + lineOf(yaml, "Patient.favouriteColour")
                + ": profile 'test': 'Patient.favouriteColour': Patient has no element 'favouriteColour'");
    }

    @Test
    void narrativeIsRejectedWhateverTheProfileSays() throws IOException {
        String yaml = profile("Patient.birthDate", "Patient.text");
        Path file = write(yaml);

        ConfigurationException e = failure(() -> load(file));

        assertThat(e.getMessage()).startsWith(file + ": ")
                .contains("line " + lineOf(yaml, "Patient.text") + ": profile 'test': 'Patient.text' names text, which is never shared");
    }

    @Test
    void containedResourcesAndMetaAreRejected() throws IOException {
        String yaml = profile("Patient.contained", "Condition.meta", "Condition.subject");
        Path file = write(yaml);

        ConfigurationException e = failure(() -> load(file));

        assertThat(e.problems()).containsExactly(
                "line " + lineOf(yaml, "Patient.contained") + ": profile 'test': 'Patient.contained' names contained, which is never shared",
                "line " + lineOf(yaml, "Condition.meta") + ": profile 'test': 'Condition.meta' names meta, which is never shared");
    }

    @Test
    void aWholeResourceIsRejected() throws IOException {
        String yaml = profile("Patient.birthDate", "Patient");
        Path file = write(yaml);

        ConfigurationException e = failure(() -> load(file));

        // The published schema already refuses it, at its line.
        assertThat(e.getMessage()).startsWith(file + ": ").contains("line " + lineOf(yaml, "- Patient\n") + ": ")
                .contains("profiles.schema.json");
        assertThat(FieldProfiles.problem(RealConfig.fhir(), "Patient"))
                .isEqualTo("'Patient' must name an element (Resource.element), not a whole resource");
    }

    @Test
    void aResourceTypeFhirDoesNotHaveIsRejected() throws IOException {
        String yaml = profile("Gossip.rumour");
        Path file = write(yaml);

        assertThat(failure(() -> load(file)).getMessage())
                .contains("line " + lineOf(yaml, "Gossip.rumour") + ": profile 'test': 'Gossip' is not a FHIR R4 resource type");
    }

    @Test
    void lookingInsideAPrimitiveIsRejected() throws IOException {
        String yaml = profile("Patient.birthDate.year");
        Path file = write(yaml);

        assertThat(failure(() -> load(file)).getMessage())
                .contains("line " + lineOf(yaml, "Patient.birthDate.year") + ": profile 'test': 'Patient.birthDate.year': birthDate has no elements");
    }

    @Test
    void childAndChoicePathsAreAccepted() throws IOException {
        Path file = write(profile("Condition.code", "Condition.subject", "Location.address.city", "Patient.name.given",
                "Condition.onsetDateTime", "Observation.status", "Observation.code", "Observation.valueQuantity.unit",
                "Patient.identifier.period.start"));

        FieldProfile test = load(file).get("test").orElseThrow();

        assertThat(test.elements()).containsExactlyInAnyOrder("Condition.code", "Condition.subject", "Location.address.city",
                "Patient.name.given", "Condition.onsetDateTime", "Observation.status", "Observation.code",
                "Observation.valueQuantity.unit", "Patient.identifier.period.start");
        assertThat(test.description()).isEqualTo("A test profile.");
    }

    @Test
    void aProfileMustNameWhatFhirRequiresOfTheResourcesAndElementsItNames() throws IOException {
        String yaml = profile("Encounter.period", "Encounter.subject", "DocumentReference.status", "DocumentReference.content.format",
                "Observation.status", "Observation.code", "Observation.component.valueQuantity");
        Path file = write(yaml);

        ConfigurationException e = failure(() -> load(file));

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "line 4: profile 'test': names DocumentReference.content but not DocumentReference.content.attachment, which FHIR R4 requires",
                "line 4: profile 'test': names Encounter but not Encounter.status, which FHIR R4 requires",
                "line 4: profile 'test': names Encounter but not Encounter.class, which FHIR R4 requires",
                "line 4: profile 'test': names Observation.component but not Observation.component.code, which FHIR R4 requires");
        assertThat(e.getMessage()).contains("Encounter.class");
    }

    @Test
    void aChoiceElementMustBeNamedWithItsType() {
        // The minimiser matches JSON names (onsetDateTime), so the bare choice name could never match: refused.
        assertThat(FieldProfiles.problem(RealConfig.fhir(), "Condition.onset"))
                .isEqualTo("'Condition.onset': Condition has no element 'onset'");
        assertThat(FieldProfiles.problem(RealConfig.fhir(), "Condition.onsetDateTime")).isNull();
    }

    @Test
    void aProfileWithoutADescriptionIsRejectedByTheSchema() throws IOException {
        String yaml = "profiles:\n  test:\n    elements:\n      - Patient.birthDate\n";
        Path file = write(yaml);

        assertThat(failure(() -> load(file)).getMessage()).startsWith(file + ": ")
                .contains("line 3: ").contains("description").contains("profiles.schema.json");
    }

    @Test
    void anEmptyElementListIsRejectedByTheSchema() throws IOException {
        Path file = write("profiles:\n  test:\n    description: Empty.\n    elements: []\n");

        assertThat(failure(() -> load(file)).getMessage()).contains("line 4: ").contains("profiles.schema.json");
    }

    @Test
    void everyBadElementIsReportedTogether() throws IOException {
        String yaml = """
                profiles:
                  first:
                    description: First.
                    elements:
                      - Patient.birthDate
                      - Patient.favouriteColour
                  second:
                    description: Second.
                    elements:
                      - Patient.text
                      - Condition.code
                      - Condition.subject
                """;
        Path file = write(yaml);

        ConfigurationException e = failure(() -> load(file));

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0)).startsWith("line 6: profile 'first': ");
        assertThat(e.problems().get(1)).startsWith("line 10: profile 'second': ");
    }

    @Test
    void aProfileAllowsWhatItNamesAndEverythingBeneath() {
        FieldProfile p = FieldProfile.of("p", List.of("Patient.identifier", "Location.address.city"));

        assertThat(p.allowsWhole("Patient.identifier")).isTrue();
        assertThat(p.allowsWhole("Patient.identifier.value")).isTrue();
        assertThat(p.allowsWhole("Patient.identifierX")).isFalse();
        assertThat(p.allowsWhole("Patient")).isFalse();
        assertThat(p.allowsWhole("Location.address")).isFalse();
        assertThat(p.allowsSomeBeneath("Location.address")).isTrue();
        assertThat(p.allowsSomeBeneath("Location.addressX")).isFalse();
        assertThat(p.allowsWhole("Location.address.city")).isTrue();
        assertThat(p.allowsWhole("Location.address.line")).isFalse();
        assertThat(p.allowsResourceType("Patient")).isTrue();
        assertThat(p.allowsResourceType("Location")).isTrue();
        assertThat(p.allowsResourceType("Condition")).isFalse();
        assertThat(p.allowsResourceType("Pat")).isFalse();
    }

    private FieldProfiles load(Path file) {
        return FieldProfiles.load(file, RealConfig.profilesSchema(), RealConfig.fhir());
    }

    private static String profile(String... elements) {
        StringBuilder yaml = new StringBuilder("# a test profile\nprofiles:\n  test:\n    description: A test profile.\n    elements:\n");
        for (String element : elements) {
            yaml.append("      - ").append(element).append('\n');
        }
        return yaml.toString();
    }

    private static int lineOf(String yaml, String text) {
        List<String> lines = (yaml.endsWith("\n") ? yaml : yaml + "\n").lines().map(l -> l + "\n").toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("'" + text + "' is not in the YAML");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("profiles.yaml"), yaml);
    }

    private static ConfigurationException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(ConfigurationException.class);
        return (ConfigurationException) thrown;
    }
}
