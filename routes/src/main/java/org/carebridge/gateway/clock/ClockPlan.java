package org.carebridge.gateway.clock;

import org.carebridge.gateway.record.RecordDeadlines;

import java.time.Instant;

/**
 * A record's clock as its rule sets it, before it is stored.
 *
 * @param startSource "message" when the start was read from the message, "received" when the arrival time was used,
 *                    "fail-safe" when a rule's condition could not be evaluated and the strictest clock that could apply
 *                    was started instead
 */
public record ClockPlan(String ruleId, String event, String startSource, Instant startedAt, Instant deadline, Instant warnAt,
                        String dutyPartner) implements RecordDeadlines.Started {

    public static final String FROM_MESSAGE = "message";
    public static final String FROM_ARRIVAL = "received";
    public static final String FAIL_SAFE = "fail-safe";
}
