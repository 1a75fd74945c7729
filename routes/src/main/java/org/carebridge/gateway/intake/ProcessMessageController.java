package org.carebridge.gateway.intake;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.delivery.DeliveryBacklog;
import org.carebridge.gateway.fhir.FailureOutcomes;
import org.carebridge.gateway.fhir.FhirJsonBody;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.partner.PartnerCertificateFilter;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.io.IOException;

/** FHIR messaging intake on the partner port. Answers 202 only once the record is committed to the database. */
@RestController
public class ProcessMessageController {

    private static final Logger log = LoggerFactory.getLogger(ProcessMessageController.class);

    private final ProducerTemplate intake;
    private final OperationOutcomes outcomes;
    private final GatewayMetrics metrics;
    private final int maxBodyBytes;

    private final AuditTrail audit;
    private final FailureOutcomes failures;
    private final DeliveryBacklog backlog;
    private final int maxUndispatched;

    public ProcessMessageController(ProducerTemplate intake, OperationOutcomes outcomes, GatewayMetrics metrics,
                                    CarebridgeProperties properties, AuditTrail audit, FailureOutcomes failures,
                                    DeliveryBacklog backlog) {
        this.audit = audit;
        this.failures = failures;
        this.backlog = backlog;
        this.maxUndispatched = properties.intake().maxUndispatched();
        this.intake = intake;
        this.outcomes = outcomes;
        this.metrics = metrics;
        this.maxBodyBytes = properties.intake().maxBodyBytes();
    }

    @PostMapping("/fhir/$process-message")
    public ResponseEntity<String> processMessage(HttpServletRequest request,
                                                 @RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner sender) throws IOException {
        if (maxUndispatched > 0 && backlog.undispatched() > maxUndispatched) {
            // the broker is not taking copies: stop growing the backlog before reading the body
            metrics.rejected("backlog");
            log.warn("Intake is shedding load: more than {} stored copies are waiting for the broker", maxUndispatched);
            return failures.unavailable("The gateway has more copies waiting for delivery than it will hold; the record was not read. "
                    + "Send it again later.");
        }
        byte[] body;
        try {
            body = FhirJsonBody.readBounded(request, maxBodyBytes);
        } catch (FhirJsonBody.Refused e) {
            throw new IntakeRejected(e.status(), e.issueType(), e.reason(), e.getMessage());
        }
        StoredRecord stored;
        try {
            stored = intake.requestBody(IntakeRoute.ENDPOINT, new IntakeRequest(sender, request.getContentType(), body), StoredRecord.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof IntakeRejected rejected) {
                throw rejected;
            }
            throw e;
        }
        if (!stored.duplicate()) {
            metrics.received(sender.id(), stored.event());
        }
        HttpHeaders headers = new HttpHeaders();
        headers.setLocation(ServletUriComponentsBuilder.fromCurrentContextPath()
                .path("/records/{trackingId}").buildAndExpand(stored.trackingId()).toUri());
        headers.add("X-CareBridge-Tracking-Id", stored.trackingId().toString());
        String text = stored.duplicate()
                ? "This message id was already accepted as record " + stored.trackingId() + "; it was not stored again"
                : "Accepted as record " + stored.trackingId() + " for " + stored.deliveries().size() + " recipient(s)";
        return outcomes.response(HttpStatus.ACCEPTED, IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, text, headers);
    }

    @ExceptionHandler(IntakeRejected.class)
    ResponseEntity<String> rejected(IntakeRejected rejected) {
        metrics.rejected(rejected.reason());
        log.info("Intake refused a record: {}", rejected.reason());
        Object sender = org.springframework.web.context.request.RequestContextHolder.currentRequestAttributes()
                .getAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE, org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST);
        audit.record(AuditFact.of(AuditKind.REFUSED, sender instanceof Partner p ? p.id() : null, "partner")
                .outcome(String.valueOf(rejected.status().value()), rejected.reason()
                        + (rejected.claimedSource() == null ? "" : "; claimed source " + rejected.claimedSource())));
        return outcomes.error(rejected.status(), rejected.issueType(), rejected.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> failed(Exception e) {
        ResponseEntity<String> response = failures.failed(e, "Intake", "the record was not accepted");
        metrics.rejected(response == null ? "client-gone" : response.getStatusCode().value() == 503 ? "unavailable" : "internal-error");
        return response;
    }
}
