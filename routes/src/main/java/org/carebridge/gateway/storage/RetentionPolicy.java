package org.carebridge.gateway.storage;

import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.decision.Decision;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;

/**
 * How long a record is kept: the longest retention of the agreements it was shared under, counted from receipt; a
 * record shared with nobody is kept for {@code carebridge.storage.default-retention}.
 */
@Component
public class RetentionPolicy {

    private final AgreementRegistry agreements;
    private final Period defaultRetention;

    public RetentionPolicy(AgreementRegistry agreements, StorageProperties storage) {
        this.agreements = agreements;
        this.defaultRetention = storage.defaultRetention() == null ? Period.ofYears(1) : storage.defaultRetention();
    }

    public Instant retainUntil(Instant receivedAt, Collection<Decision> decisions) {
        return retainUntilUnder(receivedAt, decisions.stream().filter(Decision::shares)
                .map(d -> new AgreementVersion(d.agreementId(), d.agreementVersion())).toList());
    }

    /** The retention end of a record received at {@code receivedAt} and shared under these agreements. */
    public Instant retainUntilUnder(Instant receivedAt, Collection<AgreementVersion> sharedUnder) {
        List<Agreement> current = agreements.current().agreements();
        Instant until = null;
        for (AgreementVersion agreement : sharedUnder) {
            Period period = retentionOf(current, agreement.id(), agreement.version());
            Instant candidate = receivedAt.atZone(ZoneOffset.UTC).plus(period).toInstant();
            if (until == null || candidate.isAfter(until)) {
                until = candidate;
            }
        }
        return until != null ? until : receivedAt.atZone(ZoneOffset.UTC).plus(defaultRetention).toInstant();
    }

    /** The exact version's retention; failing that (reloaded meanwhile) the longest of any version of that agreement. */
    private Period retentionOf(List<Agreement> current, String id, int version) {
        Instant base = Instant.EPOCH;
        Period longest = null;
        for (Agreement agreement : current) {
            if (!agreement.id().equals(id) || agreement.retention() == null) {
                continue;
            }
            if (agreement.version() == version) {
                return agreement.retention();
            }
            if (longest == null || base.atZone(ZoneOffset.UTC).plus(agreement.retention()).isAfter(base.atZone(ZoneOffset.UTC).plus(longest))) {
                longest = agreement.retention();
            }
        }
        return longest != null ? longest : defaultRetention;
    }

    public record AgreementVersion(String id, int version) {
    }
}
