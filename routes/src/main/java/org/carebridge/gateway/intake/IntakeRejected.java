package org.carebridge.gateway.intake;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;

/** A record refused at intake. The message says what is wrong with it and is safe to return and to log. */
public class IntakeRejected extends RuntimeException {

    private final HttpStatus status;
    private final IssueType issueType;
    private final String reason;

    public IntakeRejected(HttpStatus status, IssueType issueType, String reason, String diagnostics) {
        super(diagnostics, null, false, false);
        this.status = status;
        this.issueType = issueType;
        this.reason = reason;
    }

    public HttpStatus status() {
        return status;
    }

    public IssueType issueType() {
        return issueType;
    }

    /** A short stable code for metrics: bad-json, too-deep, not-a-message, ... */
    public String reason() {
        return reason;
    }
}
