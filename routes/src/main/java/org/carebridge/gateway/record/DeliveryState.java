package org.carebridge.gateway.record;

/** Where one recipient's copy is. */
public enum DeliveryState {
    /** Stored and waiting for (or in) delivery. */
    QUEUED,
    /** The last attempt failed; another is scheduled. */
    FAILED,
    DELIVERED,
    /** Every attempt failed; the copy is on the partner's dead-letter queue. */
    DEAD_LETTERED,
    /** The record's retention ended before this copy was delivered; it is never sent. */
    ERASED
}
