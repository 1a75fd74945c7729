package org.carebridge.gateway.report;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupPopulationComponent;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupStratifierComponent;
import org.hl7.fhir.r4.model.MeasureReport.StratifierGroupComponent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

/**
 * The monthly report as a FHIR R4 summary MeasureReport: one group per measure and per family total (police contacts,
 * police outcomes); the group's population count is the month's total, and one stratifier per breakdown gives the
 * counts per stratum. A suppressed count has no value, only the data-absent-reason extension with code {@code masked}.
 */
public final class MonthlyMeasureReport {

    public static final String MEASURE = "https://carebridge.example.org/fhir/Measure/monthly-monitoring-report";
    public static final String MEASURE_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/monitoring-measure";
    public static final String STRATIFIER_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/monitoring-stratifier";
    public static final String THRESHOLD_EXTENSION = "https://carebridge.example.org/fhir/StructureDefinition/suppression-threshold";
    public static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    static final String POPULATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-population";
    static final String IMPROVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation";

    private MonthlyMeasureReport() {
    }

    public static String id(MonthlyReport report) {
        return "monthly-monitoring-report-" + report.month();
    }

    public static MeasureReport of(MonthlyReport report) {
        MeasureReport measureReport = new MeasureReport();
        measureReport.setId(id(report));
        measureReport.addExtension(THRESHOLD_EXTENSION, new IntegerType(report.threshold()));
        measureReport.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
        measureReport.setType(MeasureReport.MeasureReportType.SUMMARY);
        measureReport.setMeasure(MEASURE);
        measureReport.setDateElement(new DateTimeType(Date.from(report.generatedAt()), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone(ZoneOffset.UTC)));
        Period period = new Period();
        period.setStartElement(new DateTimeType(report.month().atDay(1).toString()));
        period.setEndElement(new DateTimeType(report.month().atEndOfMonth().toString()));
        measureReport.setPeriod(period);
        measureReport.setReporter(new Reference().setDisplay("CareBridge gateway"));
        measureReport.setImprovementNotation(new CodeableConcept(new Coding(IMPROVEMENT_SYSTEM, "decrease", "Decreased score indicates improvement")));
        for (Measure.Family family : Measure.Family.values()) {
            List<Measure> measures = family.measures();
            for (int column = 0; column <= measures.size(); column++) {
                boolean total = column == measures.size();
                MeasureReportGroupComponent group = measureReport.addGroup();
                group.setCode(new CodeableConcept(new Coding(MEASURE_SYSTEM,
                        total ? family.code() : measures.get(column).code(), total ? family.display() : measures.get(column).display())));
                MonthlyReport.Table any = report.table(family, Dimension.AREA);
                count(group.addPopulation(), any.cells().published(any.totalRow(), column));
                for (Dimension dimension : Dimension.values()) {
                    MonthlyReport.Table table = report.table(family, dimension);
                    MeasureReportGroupStratifierComponent stratifier = group.addStratifier();
                    stratifier.addCode(new CodeableConcept(new Coding(STRATIFIER_SYSTEM, dimension.code(), dimension.display())));
                    for (int row = 0; row < table.strata().size(); row++) {
                        StratifierGroupComponent stratum = stratifier.addStratum();
                        stratum.setValue(new CodeableConcept().setText(table.strata().get(row)));
                        count(stratum.addPopulation(), table.cells().published(row, column));
                    }
                }
            }
        }
        return measureReport;
    }

    private static void count(MeasureReportGroupPopulationComponent population, Long count) {
        setPopulationCode(population.getCode());
        apply(population.getCountElement(), count);
    }

    private static void count(MeasureReport.StratifierGroupPopulationComponent population, Long count) {
        setPopulationCode(population.getCode());
        apply(population.getCountElement(), count);
    }

    private static void setPopulationCode(CodeableConcept code) {
        code.addCoding(new Coding(POPULATION_SYSTEM, "initial-population", "Initial Population"));
    }

    private static void apply(IntegerType element, Long count) {
        if (count == null) {
            element.addExtension(DATA_ABSENT_REASON, new CodeType("masked"));
        } else {
            element.setValue(Math.toIntExact(count));
        }
    }
}
