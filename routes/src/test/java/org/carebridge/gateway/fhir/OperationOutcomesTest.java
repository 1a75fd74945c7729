package org.carebridge.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OperationOutcomesTest {

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final OperationOutcomes outcomes = new OperationOutcomes(fhir);

    @Test
    void writesWhatHapiWritesForTheSameOutcome() {
        for (String diagnostics : List.of("Accepted as record 5b0c8f36-9d1e-4f7a-a0e2-1f2f3a4b5c6d for 3 recipient(s)",
                "MessageHeader.source.endpoint must be 'urn:carebridge:partner:cs-suffolk'", "a \"quoted\" \\ back/slash\ttab\nline",
                "non-ASCII: caf\u00e9 \u2013 \u00fc", "control \u0001 char", "")) {
            for (IssueSeverity severity : List.of(IssueSeverity.INFORMATION, IssueSeverity.ERROR)) {
                for (IssueType type : List.of(IssueType.INFORMATIONAL, IssueType.SECURITY, IssueType.TOOCOSTLY)) {
                    OperationOutcome outcome = new OperationOutcome();
                    outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(diagnostics);

                    assertThat(outcomes.encode(severity, type, diagnostics))
                            .as(diagnostics)
                            .isEqualTo(fhir.newJsonParser().encodeResourceToString(outcome));
                }
            }
        }
    }
}
