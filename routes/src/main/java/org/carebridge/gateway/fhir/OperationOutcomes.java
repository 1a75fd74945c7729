package org.carebridge.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * The JSON HAPI would write for this one-issue outcome, written directly: encoding it through HAPI's model was a
     * noticeable share of each 202's cost.
     */
    public String encode(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType type, String diagnostics) {
        ObjectNode outcome = JSON.createObjectNode().put("resourceType", "OperationOutcome");
        ObjectNode issue = outcome.putArray("issue").addObject();
        if (severity != null && severity != OperationOutcome.IssueSeverity.NULL) {
            issue.put("severity", severity.toCode());
        }
        if (type != null && type != OperationOutcome.IssueType.NULL) {
            issue.put("code", type.toCode());
        }
        if (diagnostics != null && !diagnostics.isEmpty()) {
            issue.put("diagnostics", diagnostics);
        }
        try {
            return JSON.writeValueAsString(outcome);
        } catch (JsonProcessingException e) {
            return fhir.newJsonParser().encodeResourceToString(new OperationOutcome().addIssue(new OperationOutcome.OperationOutcomeIssueComponent()
                    .setSeverity(severity).setCode(type).setDiagnostics(diagnostics)));
        }
    }
}
