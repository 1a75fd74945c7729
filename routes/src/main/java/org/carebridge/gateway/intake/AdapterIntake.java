package org.carebridge.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import jakarta.annotation.PreDestroy;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.decision.DisclosureDecider;
import org.carebridge.gateway.decision.RoutedMessage;
import org.carebridge.gateway.delivery.DeliveryDispatcher;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.record.RecordStore;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's side of the inbound adapter port: a canonical message mapped from a partner's own format enters the
 * same intake route as {@code POST /fhir/$process-message} (messaging checks, source = the partner, decision,
 * minimisation, sealed storage, ledger), as from the partner the adapter's transport authenticated. A refusal is
 * audited as at the HTTPS door and answered, not thrown, so one bad row does not stop a file.
 *
 * <p>The messages of a file ({@link #submitAll}) take the intake route's steps in its order, without one exchange
 * each: every message is checked and decided on its own, on the file threads, while the slice before it is stored;
 * a slice's records are stored in one transaction ({@link RecordStore#storeAll}) and then handed to the dispatcher.
 */
@Component
public class AdapterIntake implements GovernedIntake {

    /** Records stored per transaction: one commit for this many, while the next slice is decided. */
    static final int STORE_SLICE = 50;

    private final ProducerTemplate intake;
    private final PartnerRegistry partners;
    private final FhirContext fhir;
    private final AuditTrail audit;
    private final GatewayMetrics metrics;
    private final SuspendedSenders suspended;
    private final SignedBodies signed;
    private final MessageBundleReader reader;
    private final DisclosureDecider decider;
    private final RecordStore store;
    private final DeliveryDispatcher dispatcher;
    private final ExecutorService fileThreads;

    public AdapterIntake(ProducerTemplate intake, PartnerRegistry partners, FhirContext fhir, AuditTrail audit, GatewayMetrics metrics,
                         SuspendedSenders suspended, SignedBodies signed, MessageBundleReader reader, DisclosureDecider decider,
                         RecordStore store, DeliveryDispatcher dispatcher,
                         @Value("${carebridge.formats.file-threads:2}") int fileThreads) {
        this.intake = intake;
        this.partners = partners;
        this.fhir = fhir;
        this.audit = audit;
        this.metrics = metrics;
        this.suspended = suspended;
        this.signed = signed;
        this.reader = reader;
        this.decider = decider;
        this.store = store;
        this.dispatcher = dispatcher;
        AtomicInteger named = new AtomicInteger();
        this.fileThreads = Executors.newFixedThreadPool(Math.max(1, fileThreads), task -> {
            Thread thread = new Thread(task, "file-intake-" + named.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
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
        Partner sender = sender(partnerId);
        List<Receipt> receipts = new ArrayList<>(messages.size());
        CompletableFuture<List<Object>> next = decideAll(sender, slice(messages, 0));
        for (int from = 0; from < messages.size(); from += STORE_SLICE) {
            List<Object> decided = await(next);
            int after = from + STORE_SLICE;
            next = after < messages.size() ? decideAll(sender, slice(messages, after)) : null;
            receipts.addAll(storeAll(partnerId, decided));
        }
        return receipts;
    }

    @Override
    public void fileProcessed(String partnerId, String fileDigest, String outcome, String summary) {
        audit.record(AuditFact.of(AuditKind.FILE_RECEIVED, partnerId, "partner").outcome(outcome, fileDigest + ": " + summary));
    }

    @PreDestroy
    void stop() {
        fileThreads.shutdownNow();
    }

    private static List<Submission> slice(List<Submission> messages, int from) {
        return messages.subList(from, Math.min(from + STORE_SLICE, messages.size()));
    }

    /** Each message checked and decided on a file thread: its {@link RoutedMessage}, or the refusal that stopped it. */
    private CompletableFuture<List<Object>> decideAll(Partner sender, List<Submission> slice) {
        List<CompletableFuture<Object>> each = slice.stream()
                .map(m -> CompletableFuture.supplyAsync(() -> decide(sender, m), fileThreads)).toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
    }

    /** The intake route's steps before storage, in its order. */
    private Object decide(Partner sender, Submission message) {
        try {
            IntakeRequest request = signed.open(suspended.refuseSuspended(request(sender, message.message(), message.via())));
            return decider.decide(reader.read(request));
        } catch (IntakeRejected rejected) {
            return rejected;
        }
    }

    private List<Receipt> storeAll(String partnerId, List<Object> decided) {
        List<RoutedMessage> routed = decided.stream().filter(RoutedMessage.class::isInstance).map(RoutedMessage.class::cast).toList();
        List<StoredRecord> stored = store.storeAll(routed);
        stored.forEach(dispatcher::dispatch);
        List<Receipt> receipts = new ArrayList<>(decided.size());
        int next = 0;
        for (Object one : decided) {
            receipts.add(one instanceof IntakeRejected rejected ? refused(partnerId, rejected) : receipt(partnerId, stored.get(next++)));
        }
        return receipts;
    }

    private static List<Object> await(CompletableFuture<List<Object>> decided) {
        try {
            return decided.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private Partner sender(String partnerId) {
        return partners.byId(partnerId)
                .orElseThrow(() -> new IllegalArgumentException("no registered partner '" + partnerId + "'"));
    }

    private IntakeRequest request(Partner sender, Bundle message, String via) {
        byte[] body = fhir.newJsonParser().encodeResourceToString(message).getBytes(StandardCharsets.UTF_8);
        return new IntakeRequest(sender, "application/fhir+json", body, via);
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
