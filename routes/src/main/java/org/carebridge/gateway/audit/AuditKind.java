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
    FILE_RECEIVED
}
