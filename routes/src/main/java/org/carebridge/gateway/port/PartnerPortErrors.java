package org.carebridge.gateway.port;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.carebridge.gateway.fhir.FailureOutcomes;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring's error page on the partner port (an unknown path, a method not allowed, an exception no controller
 * handled), as an OperationOutcome instead of Spring's JSON. Diagnostics name the status only: a URL can carry
 * anything a caller typed.
 */
@RestController
public class PartnerPortErrors implements ErrorController {

    private final OperationOutcomes outcomes;
    private final FailureOutcomes failures;

    public PartnerPortErrors(OperationOutcomes outcomes, FailureOutcomes failures) {
        this.outcomes = outcomes;
        this.failures = failures;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<String> error(HttpServletRequest request) {
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : 500;
        if (exception instanceof Exception e && status >= 500) {
            return failures.failed(e, "A request on the partner port", "nothing was changed");
        }
        Explained explained = explain(status);
        HttpHeaders headers = new HttpHeaders();
        if (status == 503 || status == 429) {
            headers.add(HttpHeaders.RETRY_AFTER, String.valueOf(FailureOutcomes.RETRY_AFTER_SECONDS));
        }
        return outcomes.response(HttpStatusCode.valueOf(status), org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.ERROR,
                explained.type(), explained.diagnostics(), headers);
    }

    record Explained(IssueType type, String diagnostics) {
    }

    static Explained explain(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        String reason = known == null ? "error" : known.getReasonPhrase();
        return switch (status) {
            case 400 -> new Explained(IssueType.STRUCTURE,
                    "The request is malformed (request line, header or path) and was refused before it was read");
            case 401 -> new Explained(IssueType.LOGIN, "A TLS client certificate issued to a registered partner is required");
            case 403 -> new Explained(IssueType.FORBIDDEN, "This request is not allowed");
            case 404 -> new Explained(IssueType.NOTFOUND, "There is nothing at this path on the partner port");
            case 405 -> new Explained(IssueType.NOTSUPPORTED, "This path does not support that HTTP method");
            case 406, 415 -> new Explained(IssueType.NOTSUPPORTED, "The media type is not supported here; use application/fhir+json");
            case 408 -> new Explained(IssueType.TIMEOUT, "The request did not arrive in time and was refused");
            case 413, 414, 431 -> new Explained(IssueType.TOOCOSTLY, "The request (" + reason + ") is larger than the partner port accepts");
            case 429 -> new Explained(IssueType.THROTTLED, "Too many requests at once; send it again later");
            case 503 -> new Explained(IssueType.TRANSIENT, "The gateway is not taking requests just now; send it again later");
            default -> status >= 500
                    ? new Explained(IssueType.EXCEPTION, "The gateway could not handle the request (" + reason + ")")
                    : new Explained(IssueType.INVALID, "The request was refused (" + status + " " + reason + ")");
        };
    }
}
