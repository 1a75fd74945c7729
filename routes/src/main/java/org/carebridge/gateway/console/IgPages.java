package org.carebridge.gateway.console;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.ig.IgController;
import org.carebridge.gateway.ig.IgCsv;
import org.carebridge.gateway.ig.IgQueries;
import org.carebridge.gateway.ig.IgRole;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.record.RecordStatus;
import org.carebridge.gateway.report.MonthlyReports;
import org.carebridge.security.consent.SubjectIdentifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The console's information-governance pages: search decisions and disclosures, one record in full, and a subject's
 * disclosure report (printable, and as CSV). They read through the same queries as the IG API. A subject's identifier
 * travels in a POST body, never in a URL; every page that shows records about people is an AUDIT_READ entry whose
 * summary names no identifier value. Only an ig-officer sees identifiers decrypted; an auditor sees them masked.
 */
@Controller
@ConsolePage
public class IgPages {

    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");
    private static final int PAGE_SIZE = 25;
    private static final Set<String> OUTCOMES = Set.of("PERMIT", "DENY", "PERMIT_BY_OVERRIDE", "DISCLOSED");
    static final String LOCAL_AUTHORITY = "la";

    private final IgSearch search;
    private final IgQueries queries;
    private final SubjectKeys subjectKeys;
    private final DeliveryStore deliveries;
    private final AuditTrail audit;
    private final MonthlyReports reports;
    private final org.carebridge.gateway.report.AreaNames areaNames;
    private final ca.uhn.fhir.context.FhirContext fhir;

    IgPages(IgSearch search, IgQueries queries, SubjectKeys subjectKeys, DeliveryStore deliveries, AuditTrail audit, MonthlyReports reports,
            org.carebridge.gateway.report.AreaNames areaNames, ca.uhn.fhir.context.FhirContext fhir) {
        this.areaNames = areaNames;
        this.fhir = fhir;
        this.search = search;
        this.queries = queries;
        this.subjectKeys = subjectKeys;
        this.deliveries = deliveries;
        this.audit = audit;
        this.reports = reports;
    }

    /** A field and what is wrong with it, for the error summary. */
    public record FieldError(String field, String message) {
    }

    /** What was typed into a search form, given back to the page. */
    public record Form(String system, String laCode, String value, String partner, String agreement, String event, String outcome,
                       String from, String to) {
    }

    @GetMapping("/console/ig")
    String searchForm(Model model) {
        model.addAttribute("form", new Form(SubjectIdentifier.NHS_NUMBER, null, null, null, null, null, null, null, null));
        return "console/ig-search";
    }

    @PostMapping("/console/ig/search")
    String search(@RequestParam(required = false) String system, @RequestParam(required = false) String laCode,
                  @RequestParam(required = false) String value, @RequestParam(required = false) String partner,
                  @RequestParam(required = false) String agreement, @RequestParam(required = false) String event,
                  @RequestParam(required = false) String outcome, @RequestParam(required = false) String from,
                  @RequestParam(required = false) String to, @RequestParam(defaultValue = "1") int page,
                  Authentication user, Model model) {
        Form form = new Form(system, laCode, value, partner, agreement, event, outcome, from, to);
        model.addAttribute("form", form);
        List<FieldError> errors = new ArrayList<>();
        SubjectIdentifier subject = blank(value) == null ? null : subject(system, laCode, value, errors);
        String p = code(partner, "partner", "a partner id", errors);
        String a = code(agreement, "agreement", "an agreement id", errors);
        String e = code(event, "event", "an event code", errors);
        String o = blank(outcome);
        if (o != null && !OUTCOMES.contains(o)) {
            errors.add(new FieldError("outcome", "Choose an outcome from the list"));
        }
        LocalDate f = date(from, "from", errors);
        LocalDate t = date(to, "to", errors);
        if (!errors.isEmpty()) {
            model.addAttribute("errors", errors);
            read(user, "POST /console/ig/search", "refused=400");
            return "console/ig-search";
        }
        int current = Math.max(1, page);
        IgSearch.Page result = search.search(new IgSearch.Criteria(subject == null ? null : subjectKeys.keyOf(subject), p, a, e, o,
                f == null ? null : f.atStartOfDay(ENGLAND).toInstant(),
                t == null ? null : t.plusDays(1).atStartOfDay(ENGLAND).toInstant()), (current - 1) * PAGE_SIZE, PAGE_SIZE);
        read(user, "POST /console/ig/search", (subject == null ? "" : "identifier=" + subject.system() + "|* ")
                + (p == null ? "" : "partner=" + p + " ") + (a == null ? "" : "agreement=" + a + " ") + (e == null ? "" : "event=" + e + " ")
                + (o == null ? "" : "outcome=" + o + " ") + (f == null ? "" : "from=" + f + " ") + (t == null ? "" : "to=" + t + " ")
                + "page=" + current + " results=" + result.rows().size());
        model.addAttribute("result", result);
        model.addAttribute("page", current);
        return "console/ig-search";
    }

    @GetMapping("/console/ig/records/{trackingId}")
    String record(@PathVariable String trackingId, Authentication user, Model model) {
        UUID id;
        try {
            id = UUID.fromString(trackingId);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such record");
        }
        RecordStatus status = deliveries.status(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such record"));
        List<IgQueries.LedgerEvent> ledger = queries.events(new IgQueries.EventCriteria(null, null, null, null, id.toString(),
                Arrays.stream(AuditKind.values()).map(Enum::name).toList(), false, 0, 1000)).events();
        List<String> keys = queries.subjectKeys(List.of(id.toString())).getOrDefault(id.toString(), List.of());
        boolean officer = IgRole.IG_OFFICER.configName().equals(IgRole.of(user));
        List<String> identifiers = new ArrayList<>();
        if (officer) {
            Map<String, SubjectIdentifier> found = subjectKeys.identifiers(keys);
            keys.stream().map(found::get).filter(Objects::nonNull).forEach(s -> identifiers.add(label(s.system()) + " " + s.value()));
        } else {
            Map<String, SubjectIdentifier> found = subjectKeys.identifiers(keys);
            keys.stream().map(found::get).filter(Objects::nonNull)
                    .forEach(s -> identifiers.add(label(s.system()) + " " + IgController.mask(s.value())));
        }
        read(user, "GET /console/ig/records/{trackingId}", "record=" + id + " entries=" + ledger.size()
                + (officer ? " identifiers-decrypted=" + identifiers.size() : ""));
        model.addAttribute("status", status);
        model.addAttribute("ledger", ledger);
        model.addAttribute("identifiers", identifiers);
        model.addAttribute("decrypted", officer);
        return "console/ig-record";
    }

    @GetMapping("/console/ig/subject-access")
    String subjectAccessForm(Model model) {
        model.addAttribute("form", new Form(SubjectIdentifier.NHS_NUMBER, null, null, null, null, null, null, null, null));
        return "console/ig-subject-access";
    }

    @PostMapping("/console/ig/subject-access")
    String subjectAccess(@RequestParam(required = false) String system, @RequestParam(required = false) String laCode,
                         @RequestParam(required = false) String value, Authentication user, Model model) {
        Form form = new Form(system, laCode, value, null, null, null, null, null, null);
        model.addAttribute("form", form);
        List<FieldError> errors = new ArrayList<>();
        SubjectIdentifier subject = subject(system, laCode, value, errors);
        if (!errors.isEmpty()) {
            model.addAttribute("errors", errors);
            read(user, "POST /console/ig/subject-access", "refused=400");
            return "console/ig-subject-access";
        }
        List<IgQueries.ReportRow> rows = queries.report(subjectKeys.keyOf(subject));
        read(user, "POST /console/ig/subject-access", "identifier=" + subject.system() + "|* format=page results=" + rows.size());
        model.addAttribute("rows", rows);
        model.addAttribute("subjectLabel", label(subject.system()) + " " + IgController.mask(subject.value()));
        model.addAttribute("reported", true);
        return "console/ig-subject-access";
    }

    @PostMapping(path = "/console/ig/subject-access.csv")
    ResponseEntity<String> subjectAccessCsv(@RequestParam(required = false) String system, @RequestParam(required = false) String laCode,
                                            @RequestParam(required = false) String value, Authentication user) {
        List<FieldError> errors = new ArrayList<>();
        SubjectIdentifier subject = subject(system, laCode, value, errors);
        if (!errors.isEmpty()) {
            read(user, "POST /console/ig/subject-access.csv", "refused=400");
            return ResponseEntity.badRequest().contentType(org.springframework.http.MediaType.TEXT_PLAIN)
                    .body(errors.get(0).message() + "\n");
        }
        List<IgQueries.ReportRow> rows = queries.report(subjectKeys.keyOf(subject));
        read(user, "POST /console/ig/subject-access.csv", "identifier=" + subject.system() + "|* format=csv results=" + rows.size());
        return ResponseEntity.ok().contentType(IgController.CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"disclosure-report.csv\"")
                .body(IgCsv.report(rows));
    }

    @GetMapping("/console/ig/monthly")
    String monthly(@RequestParam(required = false) String to, @RequestParam(required = false) String months, Authentication user,
                   Model model) {
        java.time.YearMonth now = java.time.YearMonth.now(ENGLAND);
        java.time.YearMonth last = now.minusMonths(1);
        int count = reports.properties().chartMonths();
        List<FieldError> errors = new ArrayList<>();
        if (blank(to) != null) {
            try {
                if (!to.strip().matches("\\d{4}-\\d{2}")) {
                    throw new DateTimeParseException("not YYYY-MM", to, 0);
                }
                last = java.time.YearMonth.parse(to.strip());
                if (last.isAfter(now)) {
                    errors.add(new FieldError("to", "The last month must not be after this month"));
                    last = now.minusMonths(1);
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("to", "Enter the last month as year-month, for example 2026-10"));
            }
        }
        if (blank(months) != null) {
            try {
                count = Integer.parseInt(months.strip());
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 1 || count > 60) {
                errors.add(new FieldError("months", "Enter a number of months from 1 to 60"));
                count = reports.properties().chartMonths();
            }
        }
        org.carebridge.gateway.report.MonthlyTrend trend = org.carebridge.gateway.report.MonthlyTrend.of(reports.upTo(last, count), areaNames::name);
        read(user, "GET /console/ig/monthly", "to=" + last + " months=" + count);
        String title = "Police contacts of children in care, by area, " + trend.months().get(0) + " to " + last;
        model.addAttribute("errors", errors.isEmpty() ? null : errors);
        model.addAttribute("trend", trend);
        model.addAttribute("title", title);
        model.addAttribute("svg", trend.svg(title));
        model.addAttribute("to", last.toString());
        model.addAttribute("months", count);
        return "console/ig-monthly";
    }

    /** One month's report as the FHIR MeasureReport the gateway sends, or as CSV: the same as {@code GET /ig/reports/monthly}. */
    @GetMapping({"/console/ig/monthly/{month}.json", "/console/ig/monthly/{month}.csv"})
    ResponseEntity<String> monthlyDownload(@PathVariable String month, jakarta.servlet.http.HttpServletRequest request, Authentication user) {
        java.time.YearMonth period;
        try {
            if (!month.matches("\\d{4}-\\d{2}")) {
                throw new DateTimeParseException("not YYYY-MM", month, 0);
            }
            period = java.time.YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such month");
        }
        if (period.isAfter(java.time.YearMonth.now(ENGLAND))) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such month");
        }
        boolean csv = request.getRequestURI().endsWith(".csv");
        org.carebridge.gateway.report.MonthlyReport report = reports.of(period);
        read(user, "GET /console/ig/monthly/" + period + (csv ? ".csv" : ".json"), "month=" + period + " format=" + (csv ? "csv" : "fhir"));
        if (csv) {
            return ResponseEntity.ok().contentType(IgController.CSV)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"monthly-monitoring-report-" + period + ".csv\"")
                    .body(org.carebridge.gateway.report.MonthlyReportCsv.of(report));
        }
        return ResponseEntity.ok().contentType(org.carebridge.gateway.fhir.OperationOutcomes.FHIR_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"monthly-monitoring-report-" + period + ".json\"")
                .body(fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(
                        org.carebridge.gateway.report.MonthlyMeasureReport.of(report)));
    }

    static String label(String system) {
        if (SubjectIdentifier.NHS_NUMBER.equals(system)) {
            return "NHS number";
        }
        if (SubjectIdentifier.POLICE_NATIONAL_COMPUTER.equals(system)) {
            return "PNC id";
        }
        if (system.startsWith(SubjectIdentifier.LA_CHILD_ID_PREFIX)) {
            return "Child id (" + system.substring(SubjectIdentifier.LA_CHILD_ID_PREFIX.length()) + ")";
        }
        return system;
    }

    private static SubjectIdentifier subject(String system, String laCode, String value, List<FieldError> errors) {
        String v = blank(value);
        if (v == null) {
            errors.add(new FieldError("value", "Enter the identifier"));
            return null;
        }
        String s = blank(system);
        if (LOCAL_AUTHORITY.equals(s)) {
            String code = blank(laCode);
            if (code == null || !code.matches("[EWSN]\\d{8}")) {
                errors.add(new FieldError("laCode", "Enter the local authority code, for example E10000029"));
                return null;
            }
            s = SubjectIdentifier.LA_CHILD_ID_PREFIX + code;
        }
        String problem = SubjectIdentifier.problem(s, v.replace(" ", ""));
        if (problem != null) {
            errors.add(new FieldError("value", "The identifier is not valid: " + problem));
            return null;
        }
        return new SubjectIdentifier(s, v.replace(" ", ""));
    }

    private static String code(String text, String field, String what, List<FieldError> errors) {
        String v = blank(text);
        if (v != null && !v.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            errors.add(new FieldError(field, "Enter " + what + " as letters, digits, dots and hyphens"));
            return null;
        }
        return v;
    }

    private static LocalDate date(String text, String field, List<FieldError> errors) {
        String v = blank(text);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "Enter the date as year-month-day, for example 2026-11-30"));
            return null;
        }
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private void read(Authentication user, String endpoint, String summary) {
        audit.record(AuditFact.of(AuditKind.AUDIT_READ, user.getName(), IgRole.of(user)).outcome(endpoint, summary.strip()));
    }

    @org.springframework.web.bind.annotation.ModelAttribute("systems")
    Map<String, String> systems() {
        Map<String, String> systems = new LinkedHashMap<>();
        systems.put(SubjectIdentifier.NHS_NUMBER, "NHS number");
        systems.put(SubjectIdentifier.POLICE_NATIONAL_COMPUTER, "Police National Computer id");
        systems.put(LOCAL_AUTHORITY, "Local authority child id");
        return systems;
    }
}
