package org.carebridge.gateway.intake;

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

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's side of the inbound adapter port: a canonical message mapped from a partner's own format enters the
 * same intake route as {@code POST /fhir/$process-message} (messaging checks, source = the partner, decision,
 * minimisation, sealed storage, ledger), as from the partner the adapter's transport authenticated. A refusal is
 * audited as at the HTTPS door and answered, not thrown, so one bad row does not stop a file.
 *
 * <p>The messages of a file ({@link #submitAll}) go to the file intake route ({@link FileIntakeRoute}) together:
 * each takes the intake route's checks and decision on its own exchange, and the permitted ones are stored in one
 * transaction, each still its own record.
 */
@Component
public class AdapterIntake implements GovernedIntake {

    private final ProducerTemplate intake;
    private final PartnerRegistry partners;
    private final AuditTrail audit;
    private final GatewayMetrics metrics;

    public AdapterIntake(ProducerTemplate intake, PartnerRegistry partners, AuditTrail audit, GatewayMetrics metrics) {
        this.intake = intake;
        this.partners = partners;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public Receipt submit(String partnerId, Bundle message, String via) {
        Partner sender = sender(partnerId);
        StoredRecord stored;
        try {
            stored = intake.requestBody(IntakeRoute.ENDPOINT, request(sender, message, via), StoredRecord.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof IntakeRejected rejected) {
                return refused(partnerId, rejected);
            }
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        return receipt(partnerId, stored);
    }

    @Override
    public List<Receipt> submitAll(String partnerId, List<Submission> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        Partner sender = sender(partnerId);
        List<IntakeRequest> requests = messages.stream().map(m -> request(sender, m.message(), m.via())).toList();
        List<?> answers;
        try {
            answers = intake.requestBody(FileIntakeRoute.ENDPOINT, requests, List.class);
        } catch (CamelExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        List<Receipt> receipts = new ArrayList<>(answers.size());
        for (Object answer : answers) {
            receipts.add(answer instanceof IntakeRejected rejected ? refused(partnerId, rejected) : receipt(partnerId, (StoredRecord) answer));
        }
        return receipts;
    }

    @Override
    public void fileProcessed(String partnerId, String fileDigest, String outcome, String summary) {
        audit.record(AuditFact.of(AuditKind.FILE_RECEIVED, partnerId, "partner").outcome(outcome, fileDigest + ": " + summary));
    }

    private Partner sender(String partnerId) {
        return partners.byId(partnerId)
                .orElseThrow(() -> new IllegalArgumentException("no registered partner '" + partnerId + "'"));
    }

    /** The Bundle as the adapter built it: intake writes its JSON once and never parses it back. */
    private static IntakeRequest request(Partner sender, Bundle message, String via) {
        return IntakeRequest.mapped(sender, message, via);
    }

    private Receipt refused(String partnerId, IntakeRejected rejected) {
        metrics.rejected(rejected.reason());
        audit.record(AuditFact.of(AuditKind.REFUSED, partnerId, "partner")
                .outcome(String.valueOf(rejected.status().value()), rejected.reason()));
        return Receipt.refused(rejected.reason(), rejected.getMessage());
    }

    private Receipt receipt(String partnerId, StoredRecord stored) {
        if (stored.duplicate()) {
            return Receipt.duplicate(stored.trackingId().toString());
        }
        metrics.received(partnerId, stored.event());
        return Receipt.accepted(stored.trackingId().toString(), stored.deliveries().size());
    }
}
