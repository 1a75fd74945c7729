package org.carebridge.security.agreement;

import java.time.LocalDate;
import java.time.Period;
import java.util.List;

/** A data-sharing agreement, as information governance wrote it down; one YAML file, versioned. */
public record Agreement(String id, int version, String title, String purpose, List<PartySelector> parties,
                        LawfulBasis lawfulBasis, LocalDate validFrom, LocalDate validUntil, LocalDate reviewDate,
                        Period retention, List<Signatory> signatories, List<SharingRule> rules, String source) {

    public boolean inForceOn(LocalDate day) {
        return (validFrom == null || !day.isBefore(validFrom)) && (validUntil == null || !day.isAfter(validUntil));
    }

    public String validity() {
        return (validFrom == null ? "open" : validFrom) + " to " + (validUntil == null ? "open" : validUntil);
    }
}
