package org.carebridge.security.fhir;

import org.carebridge.security.RealConfig;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.decision.SafeguardingOverride;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageSubjectsTest {

    @Test
    void everyKnownIdentifierOfThePatientIsASubject() {
        Bundle bundle = RealConfig.exampleBundle("placement-notification.json");

        assertThat(MessageSubjects.identifiers(bundle)).containsExactly(
                new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765919"),
                new SubjectIdentifier(SubjectIdentifier.LA_CHILD_ID_PREFIX + "E10000029", "SCC-000123"));
    }

    @Test
    void identifiersOfUnknownSystemsOrWithoutValueAreLeftOut() {
        Bundle bundle = RealConfig.exampleBundle("liaison-diversion-health-summary.json");
        Patient patient = (Patient) bundle.getEntry().get(1).getResource();
        patient.addIdentifier().setSystem("https://example.org/hospital-number").setValue("H123");
        patient.addIdentifier().setSystem(SubjectIdentifier.NHS_NUMBER);

        assertThat(MessageSubjects.identifiers(bundle)).containsExactly(
                new SubjectIdentifier(SubjectIdentifier.LA_CHILD_ID_PREFIX + "E10000029", "SCC-000123"));
    }

    @Test
    void theOverrideIsReadFromTheHeader() {
        MessageHeader header = header("liaison-diversion-health-summary-override.json");

        assertThat(MessageSubjects.override(header)).contains(new SafeguardingOverride("L&D practitioner 4471",
                "Liaison and Diversion practitioner",
                "Immediate risk of harm to the child if the youth justice service is not told of the diagnosis before the interview."));
    }

    @Test
    void aHeaderWithoutTheExtensionHasNoOverride() {
        assertThat(MessageSubjects.override(header("liaison-diversion-health-summary.json"))).isEmpty();
    }

    @Test
    void anIncompleteOverrideIsRefused() {
        MessageHeader header = header("liaison-diversion-health-summary-override.json");
        Extension override = header.getExtensionByUrl(MessageSubjects.OVERRIDE_EXTENSION);
        override.getExtension().removeIf(e -> "reason".equals(e.getUrl()));
        override.getExtensionByUrl("role").setValue(new StringType(" "));

        assertThatThrownBy(() -> MessageSubjects.override(header)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("assertedBy, role and reason");
    }

    private static MessageHeader header(String example) {
        return (MessageHeader) RealConfig.exampleBundle(example).getEntryFirstRep().getResource();
    }
}
