package org.carebridge.gateway.report;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.gateway.partner.PartnerEndpoints;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.Date;
import java.util.UUID;

/**
 * Hands a month's report to intake as a message from the gateway itself (event monthly-monitoring-report), so that it
 * goes the way every record goes: the agreements decide its recipients, each gets a minimised copy through its durable
 * queue, and every step is in the audit ledger. The message id is the month's, so sending a month twice (a second node,
 * a retried job) stores and delivers it once; a re-issue gets a fresh id.
 */
@Component
public class MonthlyReportSubmission {

    public static final String EVENT = "monthly-monitoring-report";
    static final String EVENT_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/carebridge-event";

    private final MonthlyReports reports;
    private final ReportIntake intake;
    private final FhirContext fhir;

    public MonthlyReportSubmission(MonthlyReports reports, ReportIntake intake, FhirContext fhir) {
        this.reports = reports;
        this.intake = intake;
        this.fhir = fhir;
    }

    /** The month's message id: the same for every send of the month, unless it is a re-issue. */
    public static String messageId(YearMonth month) {
        return UUID.nameUUIDFromBytes((EVENT + "/" + month).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public StoredRecord submit(YearMonth month, boolean reissue) {
        MonthlyReport report = reports.of(month);
        MeasureReport measureReport = MonthlyMeasureReport.of(report);
        String reportUrl = "urn:uuid:" + UUID.randomUUID();
        Bundle bundle = new Bundle();
        bundle.setId(reissue ? UUID.randomUUID().toString() : messageId(month));
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestampElement(new InstantType(Date.from(report.generatedAt())));
        MessageHeader header = new MessageHeader();
        header.setId(UUID.randomUUID().toString());
        header.setEvent(new Coding(EVENT_SYSTEM, EVENT, "Monthly monitoring report"));
        header.getSource().setName("CareBridge gateway").setEndpoint(PartnerEndpoints.PREFIX + Partner.GATEWAY_ID);
        header.addFocus(new Reference(reportUrl));
        bundle.addEntry().setFullUrl("urn:uuid:" + header.getIdElement().getIdPart()).setResource(header);
        bundle.addEntry().setFullUrl(reportUrl).setResource(measureReport);
        byte[] body = fhir.newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
        return intake.submit(body);
    }
}
