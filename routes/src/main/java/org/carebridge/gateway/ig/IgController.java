package org.carebridge.gateway.ig;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.CheckpointSigner;
import org.carebridge.gateway.audit.LedgerExport;
import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.ledger.Checkpoint;
import org.carebridge.security.consent.SubjectIdentifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * The information-governance API: who was told what about a child, under which agreement; the decisions; override
 * review; and the ledger for the offline verifier. Every call is itself audited (AUDIT_READ), with a summary of the
 * query that names no identifier value.
 */
@RestController
@RequestMapping("/ig")
public class IgController {

    static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");
    static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");
    static final MediaType JSON_LINES = MediaType.parseMediaType("application/jsonl;charset=UTF-8");
    private static final int DEFAULT_COUNT = 200;
    private static final int MAX_COUNT = 1000;
    private static final int MAX_NOTE = 2000;

    private final IgQueries queries;
    private final IgAuditEvents auditEvents;
    private final IgOverrideReviews reviews;
    private final SubjectKeys subjectKeys;
    private final AuditTrail audit;
    private final LedgerExport ledger;
    private final CheckpointSigner signer;
    private final OperationOutcomes outcomes;
    private final FhirContext fhir;

    IgController(IgQueries queries, IgAuditEvents auditEvents, IgOverrideReviews reviews, SubjectKeys subjectKeys, AuditTrail audit,
                 LedgerExport ledger, CheckpointSigner signer, OperationOutcomes outcomes, FhirContext fhir) {
        this.queries = queries;
        this.auditEvents = auditEvents;
        this.reviews = reviews;
        this.subjectKeys = subjectKeys;
        this.audit = audit;
        this.ledger = ledger;
        this.signer = signer;
        this.outcomes = outcomes;
        this.fhir = fhir;
    }

    @GetMapping("/AuditEvent")
    public ResponseEntity<String> auditEvents(@RequestParam(name = "patient.identifier", required = false) String patientIdentifier,
                                              @RequestParam(name = "date", required = false) List<String> dates,
                                              @RequestParam(name = "agent", required = false) String agent,
                                              @RequestParam(name = "entity", required = false) String entity,
                                              @RequestParam(name = "outcome", required = false) String outcome,
                                              @RequestParam(name = "_count", required = false) String count,
                                              Authentication user) {
        return searchAuditEvents("GET /ig/AuditEvent", patientIdentifier, dates, agent, entity, outcome, count, user);
    }

    /** The AuditEvent search, served at /ig/AuditEvent and /fhir/AuditEvent; {@code endpoint} names it in the audit. */
    ResponseEntity<String> searchAuditEvents(String endpoint, String patientIdentifier, List<String> dates, String agent,
                                             String entity, String outcome, String count, Authentication user) {
        StringJoiner summary = new StringJoiner(" ");
        try {
            SubjectIdentifier subject = null;
            if (patientIdentifier != null) {
                subject = identifier(patientIdentifier, "patient.identifier");
                summary.add("patient.identifier=" + subject.system() + "|*");
            }
            Instant from = null;
            Instant before = null;
            for (String date : dates == null ? List.<String>of() : dates) {
                Instant[] range = dateRange(date);
                from = range[0] == null ? from : from == null || range[0].isAfter(from) ? range[0] : from;
                before = range[1] == null ? before : before == null || range[1].isBefore(before) ? range[1] : before;
                summary.add("date=" + date);
            }
            if (agent != null) {
                summary.add("agent=" + agent);
            }
            String trackingId = null;
            if (entity != null) {
                trackingId = uuid(entity, "entity").toString();
                summary.add("entity=" + trackingId);
            }
            List<String> kinds = IgQueries.EVENT_KINDS;
            if (outcome != null) {
                kinds = switch (outcome) {
                    case "0" -> List.of("DECIDED", "OVERRIDDEN", "DISCLOSED");
                    case "4" -> List.of("DENIED");
                    case "8", "12" -> List.of();
                    default -> throw new BadRequest("outcome must be one of the AuditEvent outcome codes 0, 4, 8, 12");
                };
                summary.add("outcome=" + outcome);
            }
            int limit = DEFAULT_COUNT;
            if (count != null) {
                try {
                    limit = Integer.parseInt(count);
                } catch (NumberFormatException e) {
                    throw new BadRequest("_count must be a number from 1 to " + MAX_COUNT);
                }
                if (limit < 1 || limit > MAX_COUNT) {
                    throw new BadRequest("_count must be a number from 1 to " + MAX_COUNT);
                }
                summary.add("_count=" + limit);
            }
            List<IgQueries.LedgerEvent> events = kinds.isEmpty() ? List.of() : queries.events(new IgQueries.EventCriteria(
                    subject == null ? null : subjectKeys.keyOf(subject), from, before, agent, trackingId, kinds, limit));
            Map<String, List<SubjectIdentifier>> identified = IgRole.IG_OFFICER.configName().equals(IgRole.of(user))
                    ? identified(events) : Map.of();
            read(user, endpoint, summary + " results=" + events.size()
                    + (identified.isEmpty() ? "" : " identifiers-decrypted=" + identified.values().stream().mapToInt(List::size).sum()));
            return ResponseEntity.ok().contentType(OperationOutcomes.FHIR_JSON)
                    .body(fhir.newJsonParser().encodeResourceToString(auditEvents.searchset(events, subject, identified)));
        } catch (BadRequest e) {
            read(user, endpoint, summary + " refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, e.getMessage());
        }
    }

    @GetMapping("/disclosure-report")
    public ResponseEntity<?> disclosureReport(@RequestParam(name = "identifier", required = false) String identifier,
                                              @RequestParam(name = "format", required = false) String format,
                                              @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
                                              Authentication user) {
        boolean csv = "csv".equalsIgnoreCase(format) || (format == null && accept != null && accept.contains("text/csv"));
        SubjectIdentifier subject;
        try {
            if (format != null && !Set.of("csv", "json").contains(format.toLowerCase())) {
                throw new BadRequest("format must be json or csv");
            }
            if (identifier == null) {
                throw new BadRequest("identifier is required, as system|value");
            }
            subject = identifier(identifier, "identifier");
        } catch (BadRequest e) {
            read(user, "GET /ig/disclosure-report", "refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, e.getMessage());
        }
        List<IgQueries.ReportRow> rows = queries.report(subjectKeys.keyOf(subject));
        read(user, "GET /ig/disclosure-report", "identifier=" + subject.system() + "|* format=" + (csv ? "csv" : "json")
                + " results=" + rows.size());
        String masked = subject.system() + "|" + mask(subject.value());
        if (csv) {
            return ResponseEntity.ok().contentType(CSV)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"disclosure-report.csv\"")
                    .body(IgCsv.report(rows));
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (IgQueries.ReportRow row : rows) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("trackingId", row.trackingId());
            item.put("event", row.event());
            item.put("receivedAt", text(row.receivedAt()));
            item.put("recipient", row.recipient());
            item.put("outcome", row.outcome());
            item.put("reason", row.reason());
            item.put("agreement", row.agreementId());
            item.put("agreementVersion", row.agreementVersion());
            item.put("lawfulBasis", row.lawfulBasis());
            item.put("consent", row.consentRef());
            item.put("explanation", row.explanation());
            if (row.overrideStatus() == null) {
                item.put("override", null);
            } else {
                Map<String, Object> override = new LinkedHashMap<>();
                override.put("assertedBy", row.overrideAssertedBy());
                override.put("role", row.overrideRole());
                override.put("status", row.overrideStatus());
                item.put("override", override);
            }
            item.put("disclosedAt", text(row.disclosedAt()));
            items.add(item);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("subject", masked);
        report.put("items", items);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
    }

    @GetMapping("/overrides")
    public ResponseEntity<?> overrides(@RequestParam(name = "status", required = false) String status, Authentication user) {
        if (status != null && !Set.of("PENDING", "AGREED", "NOT_AGREED").contains(status)) {
            read(user, "GET /ig/overrides", "refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, "status must be PENDING, AGREED or NOT_AGREED");
        }
        List<IgQueries.OverrideRow> rows = queries.overrides(status);
        read(user, "GET /ig/overrides", "status=" + (status == null ? "any" : status) + " results=" + rows.size());
        List<Map<String, Object>> list = new ArrayList<>();
        for (IgQueries.OverrideRow row : rows) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", row.id().toString());
            item.put("trackingId", row.trackingId());
            item.put("recipient", row.recipient());
            item.put("assertedBy", row.assertedBy());
            item.put("assertedRole", row.assertedRole());
            item.put("reason", row.reason());
            item.put("status", row.status());
            item.put("createdAt", text(row.createdAt()));
            item.put("reviewedBy", row.reviewedBy());
            item.put("reviewedAt", text(row.reviewedAt()));
            item.put("reviewNote", row.reviewNote());
            list.add(item);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(list);
    }

    public record ReviewRequest(String decision, String reason) {
    }

    @PostMapping("/overrides/{id}/review")
    public ResponseEntity<?> review(@PathVariable("id") String id, @RequestBody(required = false) ReviewRequest request,
                                    Authentication user) {
        String endpoint = "POST /ig/overrides/{id}/review";
        UUID overrideId;
        String status;
        try {
            overrideId = uuid(id, "the override id");
            if (request == null || request.decision() == null) {
                throw new BadRequest("decision is required: agreed or not-agreed");
            }
            status = switch (request.decision()) {
                case "agreed" -> "AGREED";
                case "not-agreed" -> "NOT_AGREED";
                default -> throw new BadRequest("decision must be agreed or not-agreed");
            };
            if (request.reason() == null || request.reason().isBlank() || request.reason().length() > MAX_NOTE) {
                throw new BadRequest("reason is required (at most " + MAX_NOTE + " characters)");
            }
        } catch (BadRequest e) {
            read(user, endpoint, "refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, e.getMessage());
        }
        IgOverrideReviews.Result result = reviews.review(overrideId, status, request.reason().strip(), user.getName(), IgRole.of(user));
        read(user, endpoint, "override=" + overrideId + " decision=" + request.decision() + " result=" + result);
        return switch (result) {
            case REVIEWED -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("id", overrideId.toString(), "status", status, "reviewedBy", user.getName()));
            case NOT_FOUND -> outcomes.error(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No override with that id");
            case ALREADY_REVIEWED -> outcomes.error(HttpStatus.CONFLICT, IssueType.CONFLICT,
                    "The override has already been reviewed; only a PENDING override can be reviewed");
        };
    }

    @GetMapping("/ledger/export")
    public void exportLedger(Authentication user, HttpServletResponse response) throws IOException {
        long maxSeq = queries.maxSeq();
        read(user, "GET /ig/ledger/export", "entries=1.." + maxSeq);
        response.setStatus(200);
        response.setContentType(JSON_LINES.toString());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"ledger.jsonl\"");
        Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        if (maxSeq > 0) {
            ledger.writeEntries(out, 1, maxSeq);
        }
        out.flush();
    }

    @GetMapping("/ledger/checkpoints")
    public ResponseEntity<String> checkpoints(Authentication user) {
        List<Checkpoint> checkpoints = ledger.checkpoints(Long.MAX_VALUE);
        read(user, "GET /ig/ledger/checkpoints", "results=" + checkpoints.size());
        StringJoiner array = new StringJoiner(",", "[", "]");
        checkpoints.forEach(c -> array.add(c.toJson()));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(array.toString());
    }

    /** The identifiers of each event's record, decrypted (ig-officer only). */
    private Map<String, List<SubjectIdentifier>> identified(List<IgQueries.LedgerEvent> events) {
        Map<String, List<String>> keysByRecord = queries.subjectKeys(events.stream().map(IgQueries.LedgerEvent::trackingId)
                .filter(java.util.Objects::nonNull).distinct().toList());
        Map<String, SubjectIdentifier> identifiers = subjectKeys.identifiers(keysByRecord.values().stream()
                .flatMap(List::stream).distinct().toList());
        Map<String, List<SubjectIdentifier>> byRecord = new LinkedHashMap<>();
        keysByRecord.forEach((trackingId, keys) -> {
            List<SubjectIdentifier> found = keys.stream().map(identifiers::get).filter(java.util.Objects::nonNull).toList();
            if (!found.isEmpty()) {
                byRecord.put(trackingId, found);
            }
        });
        return byRecord;
    }

    /** The certificate checkpoints are signed with: the verifier's {@code --cert}. */
    @GetMapping("/ledger/certificate")
    public ResponseEntity<String> checkpointCertificate(Authentication user) {
        read(user, "GET /ig/ledger/certificate", "keyId=" + Checkpoint.keyIdOf(signer.certificate()));
        return ResponseEntity.ok().contentType(PEM)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"checkpoint-signer.crt.pem\"")
                .body(signer.certificatePem());
    }

    private void read(Authentication user, String endpoint, String summary) {
        audit.record(AuditFact.of(AuditKind.AUDIT_READ, user.getName(), IgRole.of(user)).outcome(endpoint, summary.strip()));
    }

    /** {@code system|value}, a subject identifier the gateway knows. */
    private static SubjectIdentifier identifier(String parameter, String name) {
        int bar = parameter.indexOf('|');
        if (bar <= 0 || bar == parameter.length() - 1) {
            throw new BadRequest(name + " must be system|value");
        }
        String system = parameter.substring(0, bar);
        String value = parameter.substring(bar + 1);
        String problem = SubjectIdentifier.problem(system, value);
        if (problem != null) {
            throw new BadRequest(name + ": " + problem);
        }
        return new SubjectIdentifier(system, value);
    }

    private static UUID uuid(String text, String name) {
        try {
            if (text.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(name + " must be a tracking id (a UUID)");
        }
    }

    /**
     * A FHIR date search value: prefix ({@code eq} by default, {@code ge gt le lt}) and a date of year, month or day
     * precision, or a dateTime with an offset. @return {from (inclusive), before (exclusive)}, either may be null
     */
    static Instant[] dateRange(String parameter) {
        String prefix = "eq";
        String value = parameter;
        if (parameter.length() > 2 && Character.isLetter(parameter.charAt(0))) {
            prefix = parameter.substring(0, 2);
            value = parameter.substring(2);
        }
        Instant start;
        Instant end;
        try {
            if (value.matches("\\d{4}")) {
                start = LocalDate.of(Integer.parseInt(value), 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
                end = LocalDate.of(Integer.parseInt(value) + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else if (value.matches("\\d{4}-\\d{2}")) {
                YearMonth month = YearMonth.parse(value);
                start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate day = LocalDate.parse(value);
                start = day.atStartOfDay().toInstant(ZoneOffset.UTC);
                end = day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else {
                start = OffsetDateTime.parse(value).toInstant();
                end = start.plusMillis(1);
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadRequest("date must be [prefix]YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with an offset");
        }
        return switch (prefix) {
            case "eq" -> new Instant[]{start, end};
            case "ge" -> new Instant[]{start, null};
            case "gt" -> new Instant[]{end, null};
            case "le" -> new Instant[]{null, end};
            case "lt" -> new Instant[]{null, start};
            default -> throw new BadRequest("date prefix must be eq, ge, gt, le or lt");
        };
    }

    /** All but the last three characters masked. */
    static String mask(String value) {
        int keep = value.length() > 6 ? 3 : 0;
        return "*".repeat(value.length() - keep) + value.substring(value.length() - keep);
    }

    private static String text(Instant time) {
        return time == null ? null : time.toString();
    }

    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
