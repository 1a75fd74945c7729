package org.carebridge.gateway.consent;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;

/** A Consent request refused. The message says what is wrong with the request, never what it contains. */
public class ConsentRejected extends RuntimeException {

    private final HttpStatus status;
    private final IssueType issueType;

    public ConsentRejected(HttpStatus status, IssueType issueType, String diagnostics) {
        super(diagnostics, null, false, false);
        this.status = status;
        this.issueType = issueType;
    }

    static ConsentRejected invalid(IssueType issueType, String diagnostics) {
        return new ConsentRejected(HttpStatus.UNPROCESSABLE_ENTITY, issueType, diagnostics);
    }

    public HttpStatus status() {
        return status;
    }

    public IssueType issueType() {
        return issueType;
    }
}
