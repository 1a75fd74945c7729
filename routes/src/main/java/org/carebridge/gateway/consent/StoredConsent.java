package org.carebridge.gateway.consent;

import org.carebridge.security.consent.ConsentRecord;

/**
 * One version of a consent: its terms, the FHIR Consent JSON exactly as stored and served, and the organisation that
 * recorded the consent (its first version), which alone may change it.
 */
public record StoredConsent(ConsentRecord record, String resource, String recorder) {

    /** A first version: its recorder is the organisation that recorded it. */
    public StoredConsent(ConsentRecord record, String resource) {
        this(record, resource, record.recordedBy());
    }
}
