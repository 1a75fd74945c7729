package org.carebridge.gateway.ig;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.gateway.report.AreaTrendChart;
import org.carebridge.gateway.report.MonthlyMeasureReport;
import org.carebridge.gateway.report.MonthlyReport;
import org.carebridge.gateway.report.MonthlyReportCsv;
import org.carebridge.gateway.report.MonthlyReportSubmission;
import org.carebridge.gateway.report.MonthlyReports;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The monthly monitoring report for information-governance staff: as a FHIR MeasureReport or CSV, as a trend chart,
 * and sent on demand to the partners its agreement names (ig-officer only). Every call is audited.
 */
@RestController
@RequestMapping("/ig/reports/monthly")
public class IgReportController {

    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");
    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");

    private final MonthlyReports reports;
    private final MonthlyReportSubmission submission;
    private final AuditTrail audit;
    private final OperationOutcomes outcomes;
    private final FhirContext fhir;

    IgReportController(MonthlyReports reports, MonthlyReportSubmission submission, AuditTrail audit, OperationOutcomes outcomes,
                       FhirContext fhir) {
        this.reports = reports;
        this.submission = submission;
        this.audit = audit;
        this.outcomes = outcomes;
        this.fhir = fhir;
    }

    @GetMapping
    public ResponseEntity<String> report(@RequestParam(name = "month", required = false) String month,
                                         @RequestParam(name = "format", required = false) String format, Authentication user) {
        String endpoint = "GET /ig/reports/monthly";
        YearMonth period;
        try {
            period = month(month, true);
            if (format != null && !format.equals("fhir") && !format.equals("csv")) {
                throw new IgController.BadRequest("format must be fhir or csv");
            }
        } catch (IgController.BadRequest e) {
            read(user, endpoint, "refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, e.getMessage());
        }
        MonthlyReport report = reports.of(period);
        boolean csv = "csv".equals(format);
        read(user, endpoint, "month=" + period + " format=" + (csv ? "csv" : "fhir"));
        if (csv) {
            return ResponseEntity.ok().contentType(IgController.CSV)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"monthly-monitoring-report-" + period + ".csv\"")
                    .body(MonthlyReportCsv.of(report));
        }
        return ResponseEntity.ok().contentType(OperationOutcomes.FHIR_JSON)
                .body(fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(MonthlyMeasureReport.of(report)));
    }

    @GetMapping("/chart")
    public ResponseEntity<String> chart(@RequestParam(name = "to", required = false) String to,
                                        @RequestParam(name = "months", required = false) String months, Authentication user) {
        String endpoint = "GET /ig/reports/monthly/chart";
        YearMonth last;
        int count;
        try {
            last = month(to, true);
            count = reports.properties().chartMonths();
            if (months != null) {
                try {
                    count = Integer.parseInt(months);
                } catch (NumberFormatException e) {
                    count = -1;
                }
                if (count < 1 || count > 60) {
                    throw new IgController.BadRequest("months must be a number from 1 to 60");
                }
            }
        } catch (IgController.BadRequest e) {
            read(user, endpoint, "refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, e.getMessage());
        }
        read(user, endpoint, "to=" + last + " months=" + count);
        return ResponseEntity.ok().contentType(HTML)
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'")
                .header("X-Content-Type-Options", "nosniff")
                .body(AreaTrendChart.page(reports.upTo(last, count)));
    }

    @PostMapping("/send")
    public ResponseEntity<?> send(@RequestParam(name = "month", required = false) String month,
                                  @RequestParam(name = "reissue", required = false) String reissue, Authentication user) {
        String endpoint = "POST /ig/reports/monthly/send";
        YearMonth period;
        try {
            if (month == null) {
                throw new IgController.BadRequest("month is required, as YYYY-MM");
            }
            period = month(month, false);
            if (reissue != null && !reissue.equals("true") && !reissue.equals("false")) {
                throw new IgController.BadRequest("reissue must be true or false");
            }
        } catch (IgController.BadRequest e) {
            read(user, endpoint, "refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, e.getMessage());
        }
        StoredRecord stored;
        try {
            stored = submission.submit(period, "true".equals(reissue));
        } catch (IntakeRejected e) {
            read(user, endpoint, "month=" + period + " refused=" + e.reason());
            return outcomes.error(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.PROCESSING, "The report was not accepted: " + e.getMessage());
        }
        read(user, endpoint, "month=" + period + " record=" + stored.trackingId() + (stored.duplicate() ? " duplicate" : ""));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("month", period.toString());
        body.put("trackingId", stored.trackingId().toString());
        body.put("alreadySent", stored.duplicate());
        body.put("recipients", stored.deliveries().stream().map(d -> d.recipient()).toList());
        return ResponseEntity.status(stored.duplicate() ? HttpStatus.OK : HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** YYYY-MM; absent means the previous month when allowed. Not after the current month. */
    private static YearMonth month(String text, boolean defaultToPrevious) {
        YearMonth now = YearMonth.now(ENGLAND);
        if (text == null) {
            if (defaultToPrevious) {
                return now.minusMonths(1);
            }
            throw new IgController.BadRequest("month is required, as YYYY-MM");
        }
        YearMonth month;
        try {
            if (!text.matches("\\d{4}-\\d{2}")) {
                throw new DateTimeParseException("not YYYY-MM", text, 0);
            }
            month = YearMonth.parse(text);
        } catch (DateTimeParseException e) {
            throw new IgController.BadRequest("month must be YYYY-MM");
        }
        if (month.isAfter(now)) {
            throw new IgController.BadRequest("month " + month + " has not begun");
        }
        return month;
    }

    private void read(Authentication user, String endpoint, String summary) {
        audit.record(AuditFact.of(AuditKind.AUDIT_READ, user.getName(), IgRole.of(user)).outcome(endpoint, summary.strip()));
    }
}
