package org.carebridge.gateway.consent;

import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.AgencyKind;

import java.time.Instant;
import java.util.Set;

/** What a FHIR Consent says, before the registry gives it an id and a version. */
record ConsentTerms(SubjectIdentifier subject, ConsentState state, Set<String> partnerIds, Set<AgencyKind> agencyKinds,
                    Set<String> purposes, Instant periodStart, Instant periodEnd) {

    ConsentRecord toRecord(String id, int version, Instant recordedAt, String recordedBy) {
        return new ConsentRecord(id, version, subject, state, partnerIds, agencyKinds, purposes, periodStart, periodEnd,
                recordedAt, recordedBy);
    }
}
