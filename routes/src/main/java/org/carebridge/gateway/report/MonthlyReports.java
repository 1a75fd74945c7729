package org.carebridge.gateway.report;

import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/** Builds monthly reports from the stored facts, with the configured threshold. */
@Component
public class MonthlyReports {

    private final MonitoringFacts facts;
    private final ReportProperties properties;
    private final Clock clock = Clock.systemUTC();

    public MonthlyReports(MonitoringFacts facts, ReportProperties properties) {
        this.facts = facts;
        this.properties = properties;
    }

    public MonthlyReport of(YearMonth month) {
        return MonthlyReport.compute(month, facts.between(month, month), properties.suppressionThreshold(), clock.instant());
    }

    /** The {@code count} months up to and including {@code last}, oldest first. */
    public List<MonthlyReport> upTo(YearMonth last, int count) {
        YearMonth first = last.minusMonths(count - 1L);
        List<MonitoringFact> all = facts.between(first, last);
        List<MonthlyReport> reports = new ArrayList<>();
        for (YearMonth month = first; !month.isAfter(last); month = month.plusMonths(1)) {
            reports.add(MonthlyReport.compute(month, all, properties.suppressionThreshold(), clock.instant()));
        }
        return reports;
    }

    public ReportProperties properties() {
        return properties;
    }
}
