package org.carebridge.security.consent;

/** A consent's state, from FHIR Consent.status. */
public enum ConsentState {
    /** status active: consent given. */
    GIVEN,
    /** status inactive: given once, now withdrawn. */
    WITHDRAWN,
    /** status rejected: the subject said no. */
    REFUSED
}
