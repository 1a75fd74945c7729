package org.carebridge.gateway.fhir;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;

/** A record refused at intake. The message says what is wrong with it and is safe to return and to log. */
public class IntakeRejected extends RuntimeException {

    private final HttpStatus status;
    private final IssueType issueType;
    private final String reason;
    private final String claimedSource;

    public IntakeRejected(HttpStatus status, IssueType issueType, String reason, String diagnostics) {
        this(status, issueType, reason, diagnostics, null);
    }

    private IntakeRejected(HttpStatus status, IssueType issueType, String reason, String diagnostics, String claimedSource) {
        super(diagnostics, null, false, false);
        this.status = status;
        this.issueType = issueType;
        this.reason = reason;
        this.claimedSource = claimedSource;
    }

    /** The same refusal, noting the partner the message's header claims to be from (see {@link #claimedSource}). */
    public IntakeRejected claiming(String claimedSource) {
        return new IntakeRejected(status, issueType, reason, getMessage(), claimedSource);
    }

    /**
     * The partner id in {@code MessageHeader.source.endpoint}, when the message got that far: a partner id as written
     * there if it has the form of one, {@code not-a-partner-endpoint} if not, null when no header was read.
     */
    public String claimedSource() {
        return claimedSource;
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
