package org.carebridge.gateway.intake;

import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.partner.PartnerSuspensions;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Refuses, before anything is read or stored, a record from a partner an administrator has suspended. */
@Component("suspendedSenders")
public class SuspendedSenders {

    private final PartnerSuspensions suspensions;

    public SuspendedSenders(PartnerSuspensions suspensions) {
        this.suspensions = suspensions;
    }

    public IntakeRequest refuseSuspended(IntakeRequest request) {
        if (request.sender() != null && suspensions.isSuspended(request.sender().id())) {
            throw new IntakeRejected(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, "partner-suspended",
                    "Partner " + request.sender().id() + " is suspended by the gateway's administrators: the record was not accepted."
                            + " Nothing was stored. Send it again once the partner has been resumed.");
        }
        return request;
    }
}
