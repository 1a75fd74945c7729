package org.carebridge.security.agreement;

import java.time.LocalDate;
import java.util.List;

/** A data-sharing agreement in force between partners, as written down by information governance. */
public record Agreement(String id, int version, String title, String purpose, String lawfulBasis,
                        LocalDate validFrom, LocalDate validUntil, List<SharingRule> rules, String source) {

    public boolean inForceOn(LocalDate day) {
        return (validFrom == null || !day.isBefore(validFrom)) && (validUntil == null || !day.isAfter(validUntil));
    }
}
