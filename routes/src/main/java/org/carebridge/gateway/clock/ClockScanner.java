package org.carebridge.gateway.clock;

import org.carebridge.gateway.record.StoredRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Raises each clock's warning and breach once: claims the due clocks (skip locked, so gateway nodes sharing one
 * database split the work and never raise one twice), audits them in the same transaction, counts them, and sends the
 * duty partner's alert for each breach whose rule names one. Alerts not yet sent (a crash in between) are sent on the
 * next scan; the alert's message id makes a repeat harmless.
 */
@Component
public class ClockScanner {

    private static final Logger log = LoggerFactory.getLogger(ClockScanner.class);

    private final RecordClocks clocks;
    private final DutyPartnerAlert alerts;
    private final ClockMetrics metrics;
    private final ClockRules rules;
    private final Clock clock;
    private final int batch;

    public ClockScanner(RecordClocks clocks, DutyPartnerAlert alerts, ClockMetrics metrics, ClockRules rules, Clock clock,
                        ClockProperties properties) {
        this.clocks = clocks;
        this.alerts = alerts;
        this.metrics = metrics;
        this.rules = rules;
        this.clock = clock;
        this.batch = properties.batch();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void checkCalendar() {
        WorkingDays calendar = rules.workingDays();
        LocalDate today = LocalDate.now(clock.withZone(WorkingDays.ENGLAND));
        if (!calendar.covers(today.plusYears(1))) {
            log.warn("The bank-holiday calendar covers {} to {}; beyond that working days exclude weekends only. "
                    + "Replace the calendar file with a fresh copy of https://www.gov.uk/bank-holidays.json",
                    calendar.coveredFrom(), calendar.coveredUntil());
        }
        metrics.open(clocks.openCounts());
    }

    public void scheduledScan() {
        try {
            scan(clock.instant());
        } catch (RuntimeException e) {
            log.warn("Clock scan failed ({}); the next scan picks up where it left off", e.getClass().getSimpleName());
        }
    }

    /** One pass at {@code now}: breaches first, then warnings, then the duty partners' alerts; then the gauge. */
    public Scan scan(Instant now) {
        int breached = 0;
        int warned = 0;
        List<ClockEvent> claimed;
        do {
            claimed = clocks.breach(now, batch);
            claimed.forEach(c -> metrics.breached(c.event(), c.ruleId()));
            claimed.forEach(c -> log.warn("Clock breached: record {} ({}, rule {}), deadline {}, {} recipient(s) still waiting",
                    c.trackingId(), c.event(), c.ruleId(), c.deadline(), c.outstanding().size()));
            breached += claimed.size();
        } while (claimed.size() == batch);
        do {
            claimed = clocks.warn(now, batch);
            claimed.forEach(c -> metrics.warned(c.event(), c.ruleId()));
            claimed.forEach(c -> log.info("Clock warning: record {} ({}, rule {}), deadline {}",
                    c.trackingId(), c.event(), c.ruleId(), c.deadline()));
            warned += claimed.size();
        } while (claimed.size() == batch);
        // Every alert due is sent in this scan, a batch at a time: a burst must not leave breaches waiting for later scans.
        int alerted = 0;
        Duration lag = Duration.ZERO;
        long started = System.nanoTime();
        List<ClockEvent> due;
        int sentThisRound;
        do {
            due = clocks.alertsDue(batch);
            sentThisRound = 0;
            for (ClockEvent breach : due) {
                try {
                    StoredRecord alert = alerts.send(breach, now);
                    if (clocks.alertSent(breach.trackingId(), alert.trackingId())) {
                        alerted++;
                        sentThisRound++;
                        Duration late = Duration.between(breach.deadline(), now.plusNanos(System.nanoTime() - started));
                        lag = late.compareTo(lag) > 0 ? late : lag;
                        if (!alert.duplicate() && alert.deliveries().isEmpty()) {
                            log.warn("No agreement permits the clock-breach-alert for record {} to duty partner {}; see its decisions",
                                    breach.trackingId(), breach.dutyPartner());
                        }
                    }
                } catch (RuntimeException e) {
                    log.warn("Could not send the clock-breach-alert for record {} to {} ({}); retried on the next scan",
                            breach.trackingId(), breach.dutyPartner(), e.getMessage());
                }
            }
            // a full batch that sent nothing is failing, not progressing: the next scan retries it
        } while (due.size() == batch && sentThisRound > 0);
        metrics.scanned(lag);
        metrics.open(clocks.openCounts());
        return new Scan(breached, warned, alerted);
    }

    /** What one scan raised (by this node). */
    public record Scan(int breached, int warned, int alerted) {
    }
}
