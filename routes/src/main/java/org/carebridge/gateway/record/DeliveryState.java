package org.carebridge.gateway.record;

/** Where one recipient's copy is. */
public enum DeliveryState {
    /** Stored and waiting for (or in) delivery. */
    QUEUED,
    /** The last attempt failed; another is scheduled. */
    FAILED,
    /** Deposited in the recipient's mailbox on the gateway, not yet downloaded. */
    IN_MAILBOX,
    /** Delivered; for a mailbox recipient, downloaded. */
    DELIVERED,
    /** Every attempt failed; the copy is on the partner's dead-letter queue. */
    DEAD_LETTERED,
    /** The record's retention ended before this copy was delivered; it is never sent. */
    ERASED,
    /** Never downloaded from the recipient's mailbox in time and withdrawn: the sender's non-delivery report. */
    EXPIRED
}
