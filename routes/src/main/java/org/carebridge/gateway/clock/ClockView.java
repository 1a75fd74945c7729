package org.carebridge.gateway.clock;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One record's clock, as the IG view lists it. */
public record ClockView(UUID trackingId, String event, String ruleId, String startSource, Instant startedAt, Instant deadline,
                        String state, Instant warnedAt, Instant breachedAt, Instant stoppedAt, List<String> outstanding,
                        String dutyPartner, UUID alertTrackingId) {
}
