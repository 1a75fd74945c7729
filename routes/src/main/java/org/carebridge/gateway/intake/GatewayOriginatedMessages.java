package org.carebridge.gateway.intake;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.carebridge.gateway.clock.AlertIntake;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.ig.WithdrawalIntake;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.gateway.report.ReportIntake;
import org.carebridge.security.partner.Partner;
import org.springframework.stereotype.Component;

/**
 * Messages the gateway itself sends (clock-breach alerts, the monthly report, copy-withdrawals) go through the same intake route as a
 * partner's, so agreements, minimisation, sealing and the ledger apply to them too.
 */
@Component
public class GatewayOriginatedMessages implements AlertIntake, ReportIntake, WithdrawalIntake {

    private final ProducerTemplate intake;

    public GatewayOriginatedMessages(ProducerTemplate intake) {
        this.intake = intake;
    }

    /** @throws IntakeRejected when intake refuses the message, as it would a partner's */
    @Override
    public StoredRecord submit(byte[] fhirJson) {
        try {
            return intake.requestBody(IntakeRoute.ENDPOINT, new IntakeRequest(Partner.gateway(), "application/fhir+json", fhirJson),
                    StoredRecord.class);
        } catch (CamelExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
