package org.carebridge.security.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.security.RealConfig;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

class MessageAreasTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void theExamplePlacementIsFromSuffolkIntoNorfolk() throws IOException {
        Bundle bundle = example();

        assertThat(MessageAreas.responsibleArea(bundle)).contains("E10000029");
        assertThat(MessageAreas.receivingArea(bundle)).contains("E10000020");
    }

    @Test
    void outOfAreaMessagesNameTheResponsibleAuthorityAndThePlacementArea() {
        // The placing authority from EpisodeOfCare.managingOrganization; the receiving area from the placement address,
        // never from the police or youth justice Organization that also appears in these messages.
        assertThat(MessageAreas.responsibleArea(RealConfig.exampleBundle("custody-notification.json"))).contains("E10000029");
        assertThat(MessageAreas.receivingArea(RealConfig.exampleBundle("custody-notification.json"))).contains("E10000020");
        assertThat(MessageAreas.responsibleArea(RealConfig.exampleBundle("out-of-area-justice-contact.json"))).contains("E10000029");
        assertThat(MessageAreas.receivingArea(RealConfig.exampleBundle("out-of-area-justice-contact.json"))).contains("E10000020");
        assertThat(MessageAreas.responsibleArea(RealConfig.exampleBundle("out-of-area-justice-contact-youth-justice.json"))).contains("E10000020");
        assertThat(MessageAreas.receivingArea(RealConfig.exampleBundle("out-of-area-justice-contact-youth-justice.json"))).contains("E10000029");
        assertThat(MessageAreas.responsibleArea(RealConfig.exampleBundle("custody-notification-local.json"))).contains("E10000020");
        assertThat(MessageAreas.receivingArea(RealConfig.exampleBundle("custody-notification-local.json"))).contains("E10000020");
    }

    @Test
    void withoutALocationThereIsNoReceivingArea() throws IOException {
        Bundle bundle = example();
        bundle.getEntry().removeIf(e -> e.getResource() instanceof Location);

        assertThat(MessageAreas.receivingArea(bundle)).isEmpty();
        assertThat(MessageAreas.responsibleArea(bundle)).contains("E10000029");
    }

    @Test
    void aLocationWithoutTheAreaExtensionGivesNoReceivingArea() throws IOException {
        Bundle bundle = example();
        location(bundle).getAddress().getExtension().clear();

        assertThat(MessageAreas.receivingArea(bundle)).isEmpty();
    }

    @Test
    void anOrganizationWithoutALocalAuthorityCodeGivesNoResponsibleArea() throws IOException {
        Bundle bundle = example();
        organization(bundle).getIdentifierFirstRep().setSystem("https://example.org/not-a-local-authority");

        assertThat(MessageAreas.responsibleArea(bundle)).isEmpty();
    }

    @Test
    void aDanglingManagingOrganizationGivesNoResponsibleArea() throws IOException {
        Bundle bundle = example();
        episode(bundle).setManagingOrganization(new Reference("urn:uuid:00000000-0000-0000-0000-000000000000"));

        assertThat(MessageAreas.responsibleArea(bundle)).isEmpty();
    }

    @Test
    void theManagingOrganizationMayBeReferencedByTypeAndId() {
        Organization suffolk = new Organization();
        suffolk.setId("suffolk");
        suffolk.addIdentifier().setSystem(MessageAreas.LOCAL_AUTHORITY_SYSTEM).setValue("E10000029");
        EpisodeOfCare episode = new EpisodeOfCare();
        episode.setManagingOrganization(new Reference("Organization/suffolk"));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE);
        bundle.addEntry().setResource(episode);
        bundle.addEntry().setResource(suffolk);

        assertThat(MessageAreas.responsibleArea(bundle)).contains("E10000029");
    }

    @Test
    void anAreaWithoutAValueOrALocalAuthorityIdentifierWithoutAValueGivesNothing() throws IOException {
        Bundle bundle = example();
        location(bundle).getAddress().getExtensionByUrl(MessageAreas.AREA_EXTENSION).setValue(new org.hl7.fhir.r4.model.CodeType());
        organization(bundle).getIdentifierFirstRep().setValue(null);

        assertThat(MessageAreas.receivingArea(bundle)).isEmpty();
        assertThat(MessageAreas.responsibleArea(bundle)).isEmpty();
    }

    private static Bundle example() throws IOException {
        return FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(RealConfig.examplePlacementNotification()));
    }

    private static Location location(Bundle bundle) {
        return resource(bundle, Location.class);
    }

    private static Organization organization(Bundle bundle) {
        return resource(bundle, Organization.class);
    }

    private static EpisodeOfCare episode(Bundle bundle) {
        return resource(bundle, EpisodeOfCare.class);
    }

    private static <T> T resource(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }
}
