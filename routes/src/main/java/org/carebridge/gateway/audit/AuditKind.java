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
    CONSENT_CHANGED,
    CONFIG_CHANGED,
    ERASED,
    AUDIT_READ
}
