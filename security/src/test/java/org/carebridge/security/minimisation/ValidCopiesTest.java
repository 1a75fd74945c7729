package org.carebridge.security.minimisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import org.carebridge.security.RealConfig;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.agreement.SharingRule;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every minimised copy is valid FHIR R4: HAPI's instance validator, with the shipped CareBridge code systems loaded,
 * finds no error in the copy of any example under any profile a rule for its event names (every copy any recipient
 * could get, whatever the conditions and consent).
 */
class ValidCopiesTest {

    private static FhirValidator validator;

    @BeforeAll
    static void validator() {
        FhirContext fhir = RealConfig.fhir();
        PrePopulatedValidationSupport shipped = new PrePopulatedValidationSupport(fhir);
        RealConfig.codeSystems().all().forEach(shipped::addCodeSystem);
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir), shipped,
                new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
        validator = fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    @Test
    void everyCopyOfEveryExampleUnderEveryProfileIsValidR4() throws IOException {
        CopyMinimiser minimiser = RealConfig.minimiser();
        List<String> errors = new ArrayList<>();
        int copies = 0;
        java.util.Set<String> distinct = new java.util.HashSet<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        AgreementSet agreements = RealConfig.agreements();
        for (String example : bundleExamples()) {
            byte[] body = RealConfig.exampleText(example).getBytes(StandardCharsets.UTF_8);
            String event = RealConfig.exampleBundle(example).getEntryFirstRep().getResource() instanceof org.hl7.fhir.r4.model.MessageHeader h
                    ? h.getEventCoding().getCode() : null;
            List<String> profiles = agreements.agreements().stream().flatMap(a -> a.rules().stream())
                    .filter(r -> r.event().equals(event)).map(SharingRule::profile).distinct().sorted().toList();
            assertThat(profiles).as("profiles a recipient of " + example + " may get").isNotEmpty();
            for (String profile : profiles) {
                String copy = new String(minimiser.minimise(body, RealConfig.profiles().get(profile).orElseThrow()), StandardCharsets.UTF_8);
                copies++;
                used.add(profile);
                if (!distinct.add(copy)) {
                    continue; // the same copy as another profile's: validated once
                }
                ValidationResult result = validator.validateWithResult(copy);
                for (SingleValidationMessage m : result.getMessages()) {
                    if (m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
                        errors.add(example + " / " + profile + ": " + m.getLocationString() + ": " + m.getMessage());
                    }
                }
            }
        }
        assertThat(copies).isGreaterThan(40);
        // Every profile but the three for the gateway's own messages (clock-breach-alert, copy-withdrawal, monthly-monitoring-report).
        assertThat(RealConfig.profiles().names()).containsAll(used).hasSize(used.size() + 3);
        assertThat(errors).as("validation errors in minimised copies").isEmpty();
    }

    @Test
    void theValidatorFindsWhatAProfileWithoutRequiredElementsWouldHaveSent() {
        // The loader refuses such a profile; built directly it shows what the check is there for.
        FieldProfile withoutClass = FieldProfile.of("no-class", List.of("Encounter.status", "Encounter.period", "Encounter.subject"));
        String copy = new String(RealConfig.minimiser().minimise(RealConfig.exampleText("custody-notification.json").getBytes(StandardCharsets.UTF_8), withoutClass),
                StandardCharsets.UTF_8);

        // The minimiser keeps R4's required elements anyway.
        assertThat(copy).contains("\"class\"");
        assertThat(validator.validateWithResult(copy).getMessages()).noneMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR);
        // Without it, the validator says so: the test above is not vacuous.
        String withoutIt = copy.replaceAll("\"class\":\\{[^}]*\\},?", "");
        assertThat(withoutIt).doesNotContain("\"class\"");
        assertThat(validator.validateWithResult(withoutIt).getMessages())
                .anyMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR && m.getMessage().contains("Encounter.class"));
    }

    private static List<String> bundleExamples() throws IOException {
        try (Stream<Path> files = Files.list(RealConfig.dir().resolve("examples"))) {
            return files.filter(f -> f.toString().endsWith(".json")).map(f -> f.getFileName().toString()).sorted()
                    .filter(f -> RealConfig.exampleText(f).contains("\"resourceType\": \"Bundle\""))
                    .toList();
        }
    }
}
