package org.carebridge.security.agreement;

import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import java.util.Set;

/**
 * A data-sharing agreement, as information governance wrote it down; one YAML file, versioned.
 *
 * @param plainDelivery partners this agreement lets the gateway send plain FHIR over mutual TLS instead of a sealed
 *                      (signed and encrypted) copy, because they cannot yet open one
 */
public record Agreement(String id, int version, String title, String purpose, List<PartySelector> parties,
                        LawfulBasis lawfulBasis, LocalDate validFrom, LocalDate validUntil, LocalDate reviewDate,
                        Period retention, List<Signatory> signatories, List<SharingRule> rules, String source,
                        Set<String> plainDelivery) {

    public Agreement {
        plainDelivery = plainDelivery == null ? Set.of() : Set.copyOf(plainDelivery);
    }

    public Agreement(String id, int version, String title, String purpose, List<PartySelector> parties,
                     LawfulBasis lawfulBasis, LocalDate validFrom, LocalDate validUntil, LocalDate reviewDate,
                     Period retention, List<Signatory> signatories, List<SharingRule> rules, String source) {
        this(id, version, title, purpose, parties, lawfulBasis, validFrom, validUntil, reviewDate, retention, signatories,
                rules, source, Set.of());
    }

    public boolean allowsPlainDeliveryTo(String partnerId) {
        return plainDelivery.contains(partnerId);
    }

    public boolean inForceOn(LocalDate day) {
        return (validFrom == null || !day.isBefore(validFrom)) && (validUntil == null || !day.isAfter(validUntil));
    }

    public String validity() {
        return (validFrom == null ? "open" : validFrom) + " to " + (validUntil == null ? "open" : validUntil);
    }
}
