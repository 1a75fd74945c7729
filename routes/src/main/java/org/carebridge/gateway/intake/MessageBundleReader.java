package org.carebridge.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.decision.IncomingMessage;
import org.carebridge.gateway.fhir.FhirJsonBody;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.fhir.NarrativeXhtml;
import org.carebridge.gateway.fhir.ParserProblems;
import org.carebridge.gateway.partner.PartnerEndpoints;
import org.carebridge.security.decision.SafeguardingOverride;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.fhir.FhirJsonTree;
import org.carebridge.security.fhir.MessageSubjects;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Intake checks, cheapest first: content type, strict UTF-8, then nesting depth, JSON syntax, repeated keys and the
 * entry count in one streaming pass, then a strict HAPI FHIR parse, then the messaging rules (a message Bundle with an
 * id, exactly one MessageHeader and that first, a known event, a source that is the caller).
 */
@Component("messageBundleReader")
public class MessageBundleReader {

    public static final String PARTNER_ENDPOINT_PREFIX = PartnerEndpoints.PREFIX;

    private final FhirContext fhir;
    private final EventCatalogue events;
    private final int maxDepth;
    private final int maxEntries;

    public MessageBundleReader(FhirContext fhir, EventCatalogue events, CarebridgeProperties properties) {
        this.fhir = fhir;
        this.events = events;
        this.maxDepth = properties.intake().maxJsonDepth();
        this.maxEntries = properties.intake().maxBundleEntries();
    }

    public IncomingMessage read(IntakeRequest request) {
        if (request.mapped() != null) {
            return read(request, request.mapped());
        }
        try {
            FhirJsonBody.checkContentType(request.contentType());
            FhirJsonBody.checkJson(request.body(), maxDepth, maxEntries);
        } catch (FhirJsonBody.Refused e) {
            throw reject(e.status(), e.issueType(), e.reason(), e.getMessage());
        }
        JsonNode tree = tree(request.body());
        Bundle bundle = parseBundle(request.body(), tree);
        return checked(request, bundle, request.body(), tree);
    }

    /**
     * A message an adapter mapped: its model is the Bundle the adapter built, encoded once, straight into the JSON tree
     * the copies are minimised from, and written from that tree for storage; never parsed back. The messaging rules
     * apply to it as to a posted one.
     */
    private IncomingMessage read(IntakeRequest request, Bundle mapped) {
        ObjectNode tree = FhirJsonTreeWriter.encode(fhir, mapped);
        return checked(request, mapped, FhirJsonTree.write(tree), tree);
    }

    private IncomingMessage checked(IntakeRequest request, Bundle bundle, byte[] body, JsonNode tree) {
        if (bundle.getType() != Bundle.BundleType.MESSAGE) {
            throw reject(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.INVALID, "not-a-message",
                    "Bundle.type must be 'message' but is '" + (bundle.hasType() ? bundle.getType().toCode() : "absent") + "'");
        }
        if (!bundle.hasIdElement() || bundle.getIdElement().getIdPart() == null) {
            throw reject(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.REQUIRED, "no-message-id",
                    "Bundle.id is required: it is the message id carried to every recipient");
        }
        if (bundle.getEntry().isEmpty() || !(bundle.getEntryFirstRep().getResource() instanceof MessageHeader header)) {
            throw reject(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.STRUCTURE, "no-message-header",
                    "The first entry of a message Bundle must be a MessageHeader");
        }
        String claimed = claimedSource(header);
        // A second header could claim another sender or event; a recipient reading it would not see what was checked.
        if (bundle.getEntry().stream().skip(1).anyMatch(entry -> entry.getResource() instanceof MessageHeader)) {
            throw reject(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.STRUCTURE, "second-message-header",
                    "A message Bundle has exactly one MessageHeader, its first entry").claiming(claimed);
        }
        if (!(header.getEvent() instanceof Coding event) || !events.contains(event.getSystem(), event.getCode())) {
            throw reject(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.CODEINVALID, "unknown-event",
                    "MessageHeader.eventCoding must be a code from " + events.system()).claiming(claimed);
        }
        String expectedSource = PARTNER_ENDPOINT_PREFIX + request.sender().id();
        if (!expectedSource.equals(header.getSource().getEndpoint())) {
            throw reject(HttpStatus.FORBIDDEN, IssueType.SECURITY, "source-mismatch",
                    "MessageHeader.source.endpoint must be '" + expectedSource + "', the partner your client certificate identifies")
                    .claiming(claimed);
        }
        SafeguardingOverride override;
        try {
            override = MessageSubjects.override(header).orElse(null);
        } catch (IllegalArgumentException e) {
            throw reject(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.REQUIRED, "bad-override", e.getMessage()).claiming(claimed);
        }
        return new IncomingMessage(request.sender(), bundle.getIdElement().getIdPart(), event.getCode(), bundle,
                body, tree, Instant.now(), override, request.protection());
    }

    /** The partner id the header names as its source, only if it has the form of one (it is written to the ledger). */
    static String claimedSource(MessageHeader header) {
        String endpoint = header.getSource().getEndpoint();
        if (endpoint == null || endpoint.isEmpty()) {
            return "none";
        }
        String id = endpoint.startsWith(PARTNER_ENDPOINT_PREFIX) ? endpoint.substring(PARTNER_ENDPOINT_PREFIX.length()) : "";
        return id.matches("[a-z0-9][a-z0-9-]{0,63}") ? id : "not-a-partner-endpoint";
    }

    /** The body's JSON tree, read once: HAPI's model and every recipient's copy are made from it. */
    private static JsonNode tree(byte[] body) {
        try {
            return FhirJsonTree.read(body);
        } catch (IOException e) {
            // the streaming checks passed, so HAPI's own reading of the text gives the refusal
            return null;
        }
    }

    private Bundle parseBundle(byte[] body, JsonNode tree) {
        IBaseResource resource;
        try {
            if (tree instanceof ObjectNode object) {
                resource = parseTree(object);
            } else {
                IParser parser = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
                resource = parser.parseResource(new String(body, StandardCharsets.UTF_8));
            }
        } catch (DataFormatException e) {
            throw reject(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, "not-fhir", ParserProblems.notFhir(e.getMessage()));
        } catch (RuntimeException e) {
            throw reject(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.STRUCTURE, "not-fhir-shape", FhirJsonBody.shapeRefusal());
        }
        if (!(resource instanceof Bundle bundle)) {
            throw reject(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.INVALID, "not-a-message",
                    "The body must be a FHIR Bundle of type message, not a " + resource.fhirType());
        }
        return bundle;
    }

    /** HAPI's model of the tree, the entries' narratives read by {@link NarrativeXhtml} rather than by HAPI. */
    private IBaseResource parseTree(ObjectNode tree) {
        NarrativeXhtml.Taken narratives = NarrativeXhtml.take(tree);
        IBaseResource resource;
        try {
            resource = FhirJsonTree.parse(fhir, new StrictErrorHandler(), tree);
        } finally {
            narratives.restore();
        }
        if (narratives.isEmpty() || (resource instanceof Bundle bundle && narratives.putInto(bundle))) {
            return resource;
        }
        return FhirJsonTree.parse(fhir, new StrictErrorHandler(), tree);
    }

    private static IntakeRejected reject(HttpStatus status, IssueType type, String reason, String diagnostics) {
        return new IntakeRejected(status, type, reason, diagnostics);
    }
}
