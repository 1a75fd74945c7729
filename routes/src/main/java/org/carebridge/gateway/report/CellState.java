package org.carebridge.gateway.report;

/** Whether a count is published, and if not, why (the published outputs never say which). */
public enum CellState {
    SHOWN,
    /** A count from 1 to threshold - 1. */
    PRIMARY,
    /** Suppressed so that a primary cell cannot be worked out from the totals. */
    SECONDARY;

    public boolean suppressed() {
        return this != SHOWN;
    }
}
