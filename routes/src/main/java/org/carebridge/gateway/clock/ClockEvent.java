package org.carebridge.gateway.clock;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A clock that has just been warned, breached or stopped.
 *
 * @param outstanding the permitted recipients (partner ids) that do not yet have the record
 * @param late for a stopped clock: whether it stopped after its deadline
 * @param deliveredAt when the last permitted recipient had the record (the clock stopped), or null while it is open
 */
public record ClockEvent(UUID trackingId, String event, String ruleId, Instant startedAt, Instant deadline,
                         List<String> outstanding, String dutyPartner, boolean late, Instant deliveredAt) {

    public ClockEvent(UUID trackingId, String event, String ruleId, Instant startedAt, Instant deadline,
                      List<String> outstanding, String dutyPartner, boolean late) {
        this(trackingId, event, ruleId, startedAt, deadline, outstanding, dutyPartner, late, null);
    }

    /** For a breach alert: "delivered late, at ..." once every recipient has it, else who is still waiting. */
    public String breachStatement() {
        if (deliveredAt != null) {
            return "delivered late, at " + deliveredAt;
        }
        return outstanding.isEmpty() ? "not yet delivered"
                : "not yet delivered to " + outstanding.size() + " recipient(s): " + String.join(", ", outstanding);
    }
}
