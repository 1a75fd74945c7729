package org.carebridge.gateway.record;

import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.partner.PartnerCertificateFilter;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/** A record's status, for the partner that sent it and nobody else. */
@RestController
public class RecordStatusController {

    private final DeliveryStore deliveries;
    private final OperationOutcomes outcomes;

    public RecordStatusController(DeliveryStore deliveries, OperationOutcomes outcomes) {
        this.deliveries = deliveries;
        this.outcomes = outcomes;
    }

    @GetMapping("/records/{trackingId}")
    public ResponseEntity<?> status(@PathVariable String trackingId,
                                    @RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner caller) {
        UUID id;
        try {
            id = UUID.fromString(trackingId);
        } catch (IllegalArgumentException e) {
            return outcomes.error(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No record has this tracking id");
        }
        RecordStatus status = deliveries.status(id).orElse(null);
        if (status == null) {
            return outcomes.error(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No record has this tracking id");
        }
        if (!status.sender().equals(caller.id())) {
            return outcomes.error(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, "Only the partner that sent a record may read its status");
        }
        return ResponseEntity.ok(status);
    }
}
