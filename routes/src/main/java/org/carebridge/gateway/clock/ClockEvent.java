package org.carebridge.gateway.clock;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A clock that has just been warned, breached or stopped.
 *
 * @param outstanding the permitted recipients (partner ids) that do not yet have the record
 * @param late for a stopped clock: whether it stopped after its deadline
 */
public record ClockEvent(UUID trackingId, String event, String ruleId, Instant startedAt, Instant deadline,
                         List<String> outstanding, String dutyPartner, boolean late) {
}
