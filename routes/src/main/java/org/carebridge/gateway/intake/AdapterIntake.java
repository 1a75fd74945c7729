package org.carebridge.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;

/**
 * The gateway's side of the inbound adapter port: a canonical message mapped from a partner's own format enters the
 * same intake route as {@code POST /fhir/$process-message} (messaging checks, source = the partner, decision,
 * minimisation, sealed storage, ledger), as from the partner the adapter's transport authenticated. A refusal is
 * audited as at the HTTPS door and answered, not thrown, so one bad row does not stop a file.
 */
@Component
public class AdapterIntake implements GovernedIntake {

    private final ProducerTemplate intake;
    private final PartnerRegistry partners;
    private final FhirContext fhir;
    private final AuditTrail audit;
    private final GatewayMetrics metrics;

    public AdapterIntake(ProducerTemplate intake, PartnerRegistry partners, FhirContext fhir, AuditTrail audit, GatewayMetrics metrics) {
        this.intake = intake;
        this.partners = partners;
        this.fhir = fhir;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public Receipt submit(String partnerId, Bundle message, String via) {
        Partner sender = partners.byId(partnerId)
                .orElseThrow(() -> new IllegalArgumentException("no registered partner '" + partnerId + "'"));
        byte[] body = fhir.newJsonParser().encodeResourceToString(message).getBytes(StandardCharsets.UTF_8);
        StoredRecord stored;
        try {
            stored = intake.requestBody(IntakeRoute.ENDPOINT, new IntakeRequest(sender, "application/fhir+json", body, via),
                    StoredRecord.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof IntakeRejected rejected) {
                metrics.rejected(rejected.reason());
                audit.record(AuditFact.of(AuditKind.REFUSED, partnerId, "partner")
                        .outcome(String.valueOf(rejected.status().value()), rejected.reason()));
                return Receipt.refused(rejected.reason(), rejected.getMessage());
            }
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        if (stored.duplicate()) {
            return Receipt.duplicate(stored.trackingId().toString());
        }
        metrics.received(partnerId, stored.event());
        return Receipt.accepted(stored.trackingId().toString(), stored.deliveries().size());
    }

    @Override
    public void fileProcessed(String partnerId, String fileDigest, String outcome, String summary) {
        audit.record(AuditFact.of(AuditKind.FILE_RECEIVED, partnerId, "partner").outcome(outcome, fileDigest + ": " + summary));
    }
}
