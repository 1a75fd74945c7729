package org.carebridge.gateway.port;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replaces Tomcat's HTML error page on the partner port: what Tomcat refuses itself (a malformed or oversized request
 * line or header, a path it will not normalise) is answered with an OperationOutcome like every other refusal.
 */
class FhirErrorReportValve extends ErrorReportValve {

    private final OperationOutcomes outcomes;

    FhirErrorReportValve(OperationOutcomes outcomes) {
        this.outcomes = outcomes;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        PartnerPortErrors.Explained explained = PartnerPortErrors.explain(status);
        try {
            response.setContentType(OperationOutcomes.FHIR_JSON.toString());
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(outcomes.encode(IssueSeverity.ERROR, explained.type(), explained.diagnostics()));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client has gone or the response cannot be written; nothing more to say
        }
    }
}
