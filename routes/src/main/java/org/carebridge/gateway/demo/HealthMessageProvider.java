package org.carebridge.gateway.demo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.annotation.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.connectors.https.PartnerHttpsTransport;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The simulated health partner's FHIR messaging endpoint, {@code [base]/$process-message}, on a HAPI FHIR server. A
 * plain FHIR body must parse as a message Bundle; the body is kept exactly as received.
 */
public class HealthMessageProvider {

    private final DemoInbox inbox;
    private final FhirContext fhir;

    public HealthMessageProvider(DemoInbox inbox, FhirContext fhir) {
        this.inbox = inbox;
        this.fhir = fhir;
    }

    @Operation(name = "$process-message", idempotent = false, manualRequest = true, manualResponse = true)
    public void processMessage(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readAllBytes();
        String contentType = request.getContentType();
        // as a sink (DemoInbox#setOpenOnReceipt) the partner stores and counts a plain copy too, and reads it afterwards
        if (contentType != null && contentType.contains("json") && inbox.opensOnReceipt()) {
            try {
                Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, new String(body, StandardCharsets.UTF_8));
                if (bundle.getType() != Bundle.BundleType.MESSAGE) {
                    write(response, 400, "Expected a message Bundle");
                    return;
                }
            } catch (DataFormatException e) {
                write(response, 400, "Not a FHIR Bundle");
                return;
            }
        }
        int status = inbox.receive(request.getHeader(PartnerHttpsTransport.MESSAGE_ID_HEADER), contentType, body);
        write(response, status, status == 200 ? "Message received" : "Message not received");
    }

    private void write(HttpServletResponse response, int status, String text) throws IOException {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(status == 200 ? OperationOutcome.IssueSeverity.INFORMATION : OperationOutcome.IssueSeverity.ERROR)
                .setCode(status == 200 ? OperationOutcome.IssueType.INFORMATIONAL : OperationOutcome.IssueType.PROCESSING)
                .setDiagnostics(text);
        response.setStatus(status);
        response.setContentType("application/fhir+json");
        response.getOutputStream().write(fhir.newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8));
    }
}
