package org.carebridge.gateway.report;

import org.carebridge.gateway.record.StoredRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * Sends the previous month's report on {@code carebridge.report.monthly-cron} (first day of the month by default), from
 * the node leading the singleton jobs. Should two nodes overlap during a failover, the month's message id makes the
 * second send a duplicate that delivers nothing.
 */
@Component
public class MonthlyReportSchedule {

    private static final Logger log = LoggerFactory.getLogger(MonthlyReportSchedule.class);
    static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private final MonthlyReportSubmission submission;
    private final Clock clock = Clock.system(ENGLAND);

    public MonthlyReportSchedule(MonthlyReportSubmission submission) {
        this.submission = submission;
    }

    public void sendPreviousMonth() {
        YearMonth month = previousMonth(clock);
        StoredRecord stored = submission.submit(month, false);
        log.info("Monthly monitoring report for {}: record {}{}", month, stored.trackingId(),
                stored.duplicate() ? " (already sent)" : ", " + stored.deliveries().size() + " recipient(s)");
    }

    static YearMonth previousMonth(Clock clock) {
        return YearMonth.now(clock.withZone(ENGLAND)).minusMonths(1);
    }
}
