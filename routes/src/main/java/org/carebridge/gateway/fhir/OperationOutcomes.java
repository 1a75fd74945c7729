package org.carebridge.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** FHIR OperationOutcome responses. Diagnostics say what is wrong with a request, never what a record contains. */
@Component
public class OperationOutcomes {

    public static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final FhirContext fhir;

    public OperationOutcomes(FhirContext fhir) {
        this.fhir = fhir;
    }

    public ResponseEntity<String> response(HttpStatusCode status, OperationOutcome.IssueSeverity severity,
                                           OperationOutcome.IssueType type, String diagnostics, HttpHeaders headers) {
        return ResponseEntity.status(status).headers(headers).contentType(FHIR_JSON).body(encode(severity, type, diagnostics));
    }

    public ResponseEntity<String> error(HttpStatusCode status, OperationOutcome.IssueType type, String diagnostics) {
        return response(status, OperationOutcome.IssueSeverity.ERROR, type, diagnostics, new HttpHeaders());
    }

    public String encode(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType type, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(diagnostics);
        return fhir.newJsonParser().encodeResourceToString(outcome);
    }
}
