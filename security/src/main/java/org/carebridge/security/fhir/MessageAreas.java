package org.carebridge.security.fhir;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.Optional;

/**
 * Reads the areas a message concerns. The responsible authority is the placing authority (an EpisodeOfCare's managing
 * Organization, identified by its local authority code); the receiving area is the placement Location's area.
 * Matching is explicit: nothing is guessed from names or addresses.
 */
public final class MessageAreas {

    public static final String LOCAL_AUTHORITY_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/local-authority";
    public static final String AREA_EXTENSION = "https://carebridge.example.org/fhir/StructureDefinition/local-authority-area";

    private MessageAreas() {
    }

    public static Optional<String> responsibleArea(Bundle bundle) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof EpisodeOfCare episode && episode.hasManagingOrganization()) {
                Optional<String> area = find(bundle, episode.getManagingOrganization())
                        .filter(Organization.class::isInstance)
                        .map(Organization.class::cast)
                        .flatMap(MessageAreas::localAuthorityCode);
                if (area.isPresent()) {
                    return area;
                }
            }
        }
        return Optional.empty();
    }

    public static Optional<String> receivingArea(Bundle bundle) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Location location && location.hasAddress()) {
                Extension area = location.getAddress().getExtensionByUrl(AREA_EXTENSION);
                String code = area == null || area.getValue() == null ? null : area.getValue().primitiveValue();
                if (code != null && !code.isBlank()) {
                    return Optional.of(code);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> localAuthorityCode(Organization organization) {
        return organization.getIdentifier().stream()
                .filter(i -> LOCAL_AUTHORITY_SYSTEM.equals(i.getSystem()))
                .map(Identifier::getValue)
                .filter(v -> v != null && !v.isBlank())
                .findFirst();
    }

    private static Optional<Resource> find(Bundle bundle, Reference reference) {
        String ref = reference.getReference();
        if (ref == null) {
            return Optional.empty();
        }
        return bundle.getEntry().stream()
                .filter(e -> ref.equals(e.getFullUrl()) || (e.getResource() != null
                        && ref.equals(e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart())))
                .map(Bundle.BundleEntryComponent::getResource)
                .findFirst();
    }
}
