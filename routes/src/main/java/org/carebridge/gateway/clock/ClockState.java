package org.carebridge.gateway.clock;

/** Where a record's clock is. RUNNING, WARNING and BREACHED are open: some permitted recipient still lacks the record. */
public enum ClockState {
    RUNNING,
    /** Within the rule's warning time of the deadline. */
    WARNING,
    /** The deadline passed. */
    BREACHED,
    /** Every permitted recipient has the record (a breached clock keeps its breach time when it stops). */
    STOPPED
}
