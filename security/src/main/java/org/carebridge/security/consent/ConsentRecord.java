package org.carebridge.security.consent;

import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;

import java.time.Instant;
import java.util.Set;

/**
 * Consent on record for one subject: to which recipients (partners by id, or agency kinds), for which purposes, over
 * which period. Read from a FHIR Consent: status active = given, inactive = withdrawn, rejected = refused.
 *
 * @param purposes purpose codes; empty means any purpose
 * @param periodStart null means from the beginning; {@code periodEnd} null means open-ended
 */
public record ConsentRecord(String id, int version, SubjectIdentifier subject, ConsentState state, Set<String> partnerIds,
                            Set<AgencyKind> agencyKinds, Set<String> purposes, Instant periodStart, Instant periodEnd,
                            Instant recordedAt, String recordedBy) {

    public ConsentRecord {
        partnerIds = Set.copyOf(partnerIds);
        agencyKinds = Set.copyOf(agencyKinds);
        purposes = Set.copyOf(purposes);
    }

    /** Whether this consent speaks about sharing with this recipient for this purpose at this time (whatever its state). */
    public boolean covers(Partner recipient, String purpose, Instant at) {
        boolean recipientCovered = partnerIds.contains(recipient.id()) || agencyKinds.contains(recipient.kind());
        boolean purposeCovered = purposes.isEmpty() || purpose == null || purposes.contains(purpose);
        boolean inPeriod = (periodStart == null || !at.isBefore(periodStart)) && (periodEnd == null || at.isBefore(periodEnd));
        return recipientCovered && purposeCovered && inPeriod;
    }

    /** {@code Consent/<id>/_history/<version>}, the reference a decision records. */
    public String reference() {
        return "Consent/" + id + "/_history/" + version;
    }
}
