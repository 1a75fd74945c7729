package org.carebridge.gateway.consent;

import org.carebridge.security.consent.ConsentRecord;

/** One version of a consent: its terms, and the FHIR Consent JSON exactly as stored and served. */
public record StoredConsent(ConsentRecord record, String resource) {
}
