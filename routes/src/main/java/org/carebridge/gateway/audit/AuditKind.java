package org.carebridge.gateway.audit;

/** What an audit entry records. */
public enum AuditKind {
    RECEIVED,
    /** Refused at intake; nothing was stored. */
    REFUSED,
    /** A permit for one candidate recipient. */
    DECIDED,
    DENIED,
    OVERRIDDEN,
    OVERRIDE_REVIEWED,
    DISCLOSED,
    FAILED,
    DEAD_LETTERED,
    /** A person sent a dead-lettered copy again, through the same sealing and delivery path, with its message id. */
    REDELIVERED,
    CONSENT_CHANGED,
    CONFIG_CHANGED,
    ERASED,
    AUDIT_READ,
    /** A record's clock is close to its deadline and some permitted recipient still lacks the record. */
    CLOCK_WARNING,
    /** A record's deadline passed before every permitted recipient had it. */
    CLOCK_BREACHED,
    /** Every permitted recipient has the record; its clock stopped (in time, or late). */
    CLOCK_STOPPED,
    /** A partner's batch file (an SSDA903 return) was processed or refused: its row counts; each accepted row is its own record. */
    FILE_RECEIVED,
    /** A sealed copy was deposited in a mailbox recipient's mailbox on the gateway (not yet a disclosure). */
    MAILBOX_DEPOSITED,
    /** A partner listed its mailbox: how many messages it was shown. */
    MAILBOX_LISTED,
    /** A partner downloaded a message from its mailbox; the first download is also its DISCLOSED fact. */
    MAILBOX_DOWNLOADED,
    /** A partner acknowledged a downloaded message; it left the mailbox. */
    MAILBOX_ACKNOWLEDGED,
    /** A message was not acknowledged in time and left the mailbox; never downloaded means a non-delivery report. */
    MAILBOX_EXPIRED
}
