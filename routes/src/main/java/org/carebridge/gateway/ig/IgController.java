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
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.util.MultiValueMap;
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

    public static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");
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

    private final PartnerRegistry partners;

    IgController(IgQueries queries, IgAuditEvents auditEvents, IgOverrideReviews reviews, SubjectKeys subjectKeys, AuditTrail audit,
                 LedgerExport ledger, CheckpointSigner signer, OperationOutcomes outcomes, FhirContext fhir, PartnerRegistry partners) {
        this.partners = partners;
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

    /** The AuditEvent search parameters; any other (but {@code _format}) is refused. */
    static final Set<String> SEARCH_PARAMETERS = Set.of("patient.identifier", "date", "agent", "entity", "outcome", "subtype",
            "_count", "_offset", "_sort", "_format");
    /** A partner id or user name as a search value: short, and nothing else can match an agent. */
    private static final java.util.regex.Pattern AGENT = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    @GetMapping("/AuditEvent")
    public ResponseEntity<String> auditEvents(@RequestParam MultiValueMap<String, String> parameters, Authentication user) {
        return searchAuditEvents("GET /ig/AuditEvent", parameters, user);
    }

    /**
     * The AuditEvent search, served at /ig/AuditEvent and /fhir/AuditEvent; {@code endpoint} names it in the audit.
     * Every ledger entry is an AuditEvent; a page of {@code _count} (default 200), newest first unless {@code _sort=date},
     * with {@code total} counting every match and a {@code next} link while more remain.
     */
    ResponseEntity<String> searchAuditEvents(String endpoint, MultiValueMap<String, String> parameters, Authentication user) {
        StringJoiner summary = new StringJoiner(" ");
        try {
            for (String name : parameters.keySet()) {
                if (!SEARCH_PARAMETERS.contains(name)) {
                    throw new BadRequest("AuditEvent cannot be searched by that parameter; the parameters are "
                            + String.join(", ", new java.util.TreeSet<>(SEARCH_PARAMETERS)));
                }
            }
            SubjectIdentifier subject = null;
            String patientIdentifier = single(parameters, "patient.identifier");
            if (patientIdentifier != null) {
                subject = identifier(patientIdentifier, "patient.identifier");
                summary.add("patient.identifier=" + subject.system() + "|*");
            }
            Instant from = null;
            Instant before = null;
            for (String date : parameters.getOrDefault("date", List.of())) {
                Instant[] range = dateRange(date);
                from = range[0] == null ? from : from == null || range[0].isAfter(from) ? range[0] : from;
                before = range[1] == null ? before : before == null || range[1].isBefore(before) ? range[1] : before;
                summary.add("date=" + date);
            }
            String agent = single(parameters, "agent");
            if (agent != null) {
                agent = agent(agent);
                // what was typed stays out of the ledger unless it is a partner's id, which names no one
                summary.add("agent=" + (partners.byId(agent).isPresent() || "gateway".equals(agent) ? agent : "(not a partner)"));
            }
            String trackingId = null;
            String entity = single(parameters, "entity");
            if (entity != null) {
                trackingId = uuid(entity, "entity").toString();
                summary.add("entity=" + trackingId);
            }
            List<String> kinds = IgQueries.EVENT_KINDS;
            String subtype = single(parameters, "subtype");
            if (subtype != null) {
                kinds = subtypes(subtype);
                summary.add("subtype=" + String.join(",", kinds));
            }
            String outcome = single(parameters, "outcome");
            if (outcome != null) {
                if (!Set.of("0", "4", "8", "12").contains(outcome)) {
                    throw new BadRequest("outcome must be one of the AuditEvent outcome codes 0, 4, 8, 12");
                }
                kinds = kinds.stream().filter(kind -> IgAuditEvents.outcomeOf(kind).toCode().equals(outcome)).toList();
                summary.add("outcome=" + outcome);
            }
            int limit = number(single(parameters, "_count"), "_count", 1, MAX_COUNT, DEFAULT_COUNT);
            int offset = number(single(parameters, "_offset"), "_offset", 0, Integer.MAX_VALUE, 0);
            String sort = single(parameters, "_sort");
            if (sort != null && !Set.of("date", "-date").contains(sort)) {
                throw new BadRequest("_sort must be date (oldest first) or -date (newest first, the default)");
            }
            boolean newestFirst = !"date".equals(sort);
            summary.add("_count=" + limit).add("_offset=" + offset).add("_sort=" + (newestFirst ? "-date" : "date"));
            IgQueries.EventPage page = kinds.isEmpty() ? new IgQueries.EventPage(List.of(), 0) : queries.events(new IgQueries.EventCriteria(
                    subject == null ? null : subjectKeys.keyOf(subject), from, before, agent, trackingId, kinds, newestFirst, offset, limit));
            List<IgQueries.LedgerEvent> events = page.events();
            Map<String, List<SubjectIdentifier>> identified = IgRole.IG_OFFICER.configName().equals(IgRole.of(user))
                    ? identified(events) : Map.of();
            read(user, endpoint, summary + " results=" + events.size() + " total=" + page.total()
                    + (identified.isEmpty() ? "" : " identifiers-decrypted=" + identified.values().stream().mapToInt(List::size).sum()));
            org.hl7.fhir.r4.model.Bundle bundle = auditEvents.searchset(events, subject, identified);
            bundle.setTotal((int) Math.min(Integer.MAX_VALUE, page.total()));
            org.springframework.web.util.UriComponentsBuilder self = org.springframework.web.servlet.support.ServletUriComponentsBuilder
                    .fromCurrentRequestUri().replaceQueryParams(parameters).replaceQueryParam("_count", limit)
                    .replaceQueryParam("_sort", newestFirst ? "-date" : "date");
            bundle.addLink().setRelation("self").setUrl(self.cloneBuilder().replaceQueryParam("_offset", offset).build().encode().toUriString());
            if (offset + events.size() < page.total()) {
                bundle.addLink().setRelation("next").setUrl(self.cloneBuilder().replaceQueryParam("_offset", offset + events.size())
                        .build().encode().toUriString());
            }
            if (offset > 0) {
                bundle.addLink().setRelation("previous").setUrl(self.cloneBuilder().replaceQueryParam("_offset", Math.max(0, offset - limit))
                        .build().encode().toUriString());
            }
            return ResponseEntity.ok().contentType(OperationOutcomes.FHIR_JSON)
                    .body(fhir.newJsonParser().encodeResourceToString(bundle));
        } catch (BadRequest e) {
            read(user, endpoint, "refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, e.getMessage());
        }
    }

    private static String single(MultiValueMap<String, String> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadRequest(name + " may be given once");
        }
        return values.get(0);
    }

    static String agent(String value) {
        if (!AGENT.matcher(value).matches()) {
            throw new BadRequest("agent must be a partner id or a user name: letters, digits, '.', '_', '@' or '-', at most 64");
        }
        return value;
    }

    /** {@code subtype}: ledger kinds, comma-separated, each a code or system|code of the audit-kind code system. */
    static List<String> subtypes(String value) {
        List<String> kinds = new ArrayList<>();
        for (String token : value.split(",", -1)) {
            String code = token.startsWith(IgAuditEvents.AUDIT_KIND_SYSTEM + "|")
                    ? token.substring(IgAuditEvents.AUDIT_KIND_SYSTEM.length() + 1) : token;
            if (!IgQueries.EVENT_KINDS.contains(code)) {
                throw new BadRequest("subtype must be ledger kinds from " + IgAuditEvents.AUDIT_KIND_SYSTEM + ": "
                        + String.join(", ", IgQueries.EVENT_KINDS));
            }
            if (!kinds.contains(code)) {
                kinds.add(code);
            }
        }
        return kinds;
    }

    private static int number(String text, String name, int min, int max, int otherwise) {
        if (text == null) {
            return otherwise;
        }
        try {
            if (text.length() > 10) {
                throw new NumberFormatException();
            }
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a number from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max));
        }
    }

    /** {@code /ig} and {@code /ig/}: what the IG API offers. */
    @GetMapping({"", "/"})
    public ResponseEntity<Map<String, Object>> index(Authentication user) {
        read(user, "GET /ig/", "index");
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("service", "CareBridge information-governance API");
        index.put("user", user.getName());
        index.put("role", IgRole.of(user));
        List<Map<String, String>> endpoints = new ArrayList<>();
        for (String[] endpoint : new String[][]{
                {"GET", "/fhir/AuditEvent", "FHIR AuditEvent search over the whole ledger (also at /ig/AuditEvent): "
                        + "patient.identifier, date, agent, entity, outcome, subtype, _count, _offset, _sort"},
                {"GET", "/ig/disclosure-report?identifier=system|value[&format=csv]", "every decision and disclosure about one subject"},
                {"GET", "/ig/agreements", "each agreement: in force, expired or not yet in force, review overdue; parties, lawful basis, rules"},
                {"GET", "/ig/overrides?status=PENDING|AGREED|NOT_AGREED", "safeguarding overrides and their review"},
                {"POST", "/ig/overrides/{id}/review", "review an override (ig-officer; Content-Type: application/json; "
                        + "{\"decision\":\"agreed\"|\"not-agreed\",\"reason\":\"...\"})"},
                {"GET", "/ig/clocks?state=RUNNING|WARNING|BREACHED|STOPPED", "record clocks; BREACHED includes those delivered late"},
                {"GET", "/ig/reports/monthly?month=YYYY-MM", "the monthly monitoring report"},
                {"GET", "/ig/ledger/export", "the ledger as JSON Lines, for the offline verifier's --entries"},
                {"GET", "/ig/ledger/checkpoints", "the signed checkpoints, a JSON array the verifier's --checkpoints reads as it is"},
                {"GET", "/ig/ledger/certificate", "the checkpoint signer's certificate, the verifier's --cert"}}) {
            Map<String, String> item = new LinkedHashMap<>();
            item.put("method", endpoint[0]);
            item.put("path", endpoint[1]);
            item.put("what", endpoint[2]);
            endpoints.add(item);
        }
        index.put("endpoints", endpoints);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(index);
    }

    /** A body that is not JSON, or sent without {@code Content-Type: application/json}: an OperationOutcome, as everywhere. */
    @org.springframework.web.bind.annotation.ExceptionHandler({org.springframework.web.HttpMediaTypeNotSupportedException.class,
            org.springframework.http.converter.HttpMessageNotReadableException.class})
    ResponseEntity<String> unreadableBody(Exception e, jakarta.servlet.http.HttpServletRequest request) {
        Authentication user = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        boolean mediaType = e instanceof org.springframework.web.HttpMediaTypeNotSupportedException;
        if (user != null) {
            read(user, request.getMethod() + " " + (request.getRequestURI().startsWith("/ig/overrides/") ? "/ig/overrides/{id}/review"
                    : "/ig"), "refused=" + (mediaType ? 415 : 400));
        }
        if (mediaType) {
            return outcomes.error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, IssueType.NOTSUPPORTED,
                    "Send the body as JSON, with Content-Type: application/json");
        }
        return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE,
                "The body must be a JSON object: {\"decision\":\"agreed\"|\"not-agreed\",\"reason\":\"...\"}");
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
            item.put("event", row.event());
            item.put("withdrawalTrackingId", row.withdrawalTrackingId());
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
            case RECORD_ERASED -> outcomes.error(HttpStatus.GONE, IssueType.NOTFOUND,
                    "The override's record was erased at the end of its retention; it can no longer be reviewed");
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
    public static String mask(String value) {
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
