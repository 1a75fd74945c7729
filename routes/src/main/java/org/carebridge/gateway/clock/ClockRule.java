package org.carebridge.gateway.clock;

import ca.uhn.fhir.fhirpath.IFhirPath;

import java.time.Duration;

/**
 * One deadline from config/clocks.yaml: for records of {@code event} (and, when {@code when} is given, only those for
 * which that FHIRPath is true), the clock starts at the time {@code start} reads from the message (or at arrival), and
 * runs out {@code within} a duration or at the end of the n-th working day after the start day.
 *
 * @param start FHIRPath to the start time in the message, or null to start at arrival
 * @param within elapsed time to the deadline, or null when {@code workingDays} is used
 * @param workingDays working days after the start day, or 0 when {@code within} is used
 * @param warnBefore how long before the deadline an open clock raises a warning
 * @param dutyPartner the duty partner told of a breach by a clock-breach-alert, or null
 */
public record ClockRule(String id, String event, String description, String when, IFhirPath.IParsedExpression compiledWhen,
                        String start, IFhirPath.IParsedExpression compiledStart, Duration within, int workingDays,
                        Duration warnBefore, String dutyPartner) {

    public String deadlineText() {
        return within != null ? "within " + within : "by the end of working day " + workingDays + " after the start day";
    }
}
