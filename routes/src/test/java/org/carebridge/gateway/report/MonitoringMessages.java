package org.carebridge.gateway.report;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Test messages in the data contract of the flows the monitoring report reads: the child (Patient with gender, birth
 * date and the UK Core ethnic category), the placing authority (EpisodeOfCare.managingOrganization), the placement
 * (a children's home Location with its area), and an Encounter (custody, missing) or police outcome Observations.
 */
public final class MonitoringMessages {

    public static final FhirContext FHIR = FhirContext.forR4Cached();
    public static final String NORFOLK = "E10000020";
    public static final String SUFFOLK = "E10000029";

    /** One child in one placement. */
    public record Child(String gender, String birthDate, String ethnicCode, String placingAuthority, String area, String home) {
    }

    private MonitoringMessages() {
    }

    public static Bundle contact(String event, String sender, Child child, String start) {
        Bundle bundle = message(event, sender, child);
        Encounter encounter = new Encounter();
        encounter.setStatus(event.equals("custody-notification") ? Encounter.EncounterStatus.INPROGRESS : Encounter.EncounterStatus.FINISHED);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER", "emergency"));
        encounter.setSubject(new Reference(patientUrl(bundle)));
        encounter.setPeriod(new Period().setStartElement(new DateTimeType(start)));
        add(bundle, encounter, true);
        return bundle;
    }

    public static Bundle outcomes(String sender, Child child, String effective, String... outcomeCodes) {
        Bundle bundle = message("diversion-panel-outcome", sender, child);
        for (String code : outcomeCodes) {
            Observation observation = new Observation();
            observation.setStatus(Observation.ObservationStatus.FINAL);
            observation.setCode(new CodeableConcept(new Coding(Measure.POLICE_OUTCOME_SYSTEM, code, null)));
            observation.setSubject(new Reference(patientUrl(bundle)));
            observation.setEffective(new DateTimeType(effective));
            add(bundle, observation, true);
        }
        return bundle;
    }

    public static byte[] json(Bundle bundle) {
        return FHIR.newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
    }

    private static Bundle message(String event, String sender, Child child) {
        Bundle bundle = new Bundle();
        bundle.setId(UUID.randomUUID().toString());
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestampElement(new org.hl7.fhir.r4.model.InstantType("2024-03-02T09:00:00+00:00"));
        MessageHeader header = new MessageHeader();
        header.setEvent(new Coding("https://carebridge.example.org/fhir/CodeSystem/carebridge-event", event, null));
        header.getSource().setEndpoint("urn:carebridge:partner:" + sender);
        add(bundle, header, false);

        Patient patient = new Patient();
        patient.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9434765919");
        patient.addName(new HumanName().setFamily("Example").addGiven("Test"));
        patient.setGender(AdministrativeGender.fromCode(child.gender()));
        patient.setBirthDateElement(new DateType(child.birthDate()));
        if (child.ethnicCode() != null) {
            patient.addExtension(EthnicGroups.EXTENSION,
                    new CodeableConcept(new Coding(EthnicGroups.SYSTEM, child.ethnicCode(), null)));
        }
        add(bundle, patient, true);

        Organization placing = new Organization();
        placing.addIdentifier().setSystem("https://carebridge.example.org/fhir/NamingSystem/local-authority").setValue(child.placingAuthority());
        add(bundle, placing, false);
        EpisodeOfCare episode = new EpisodeOfCare();
        episode.setStatus(EpisodeOfCare.EpisodeOfCareStatus.ACTIVE);
        episode.setPatient(new Reference(patientUrl(bundle)));
        episode.setManagingOrganization(new Reference(url(placing)));
        add(bundle, episode, false);

        Location home = new Location();
        home.setName("Example children's home");
        if (child.home() != null) {
            home.addIdentifier().setSystem(MonitoringFactExtractor.CHILDRENS_HOME_SYSTEM).setValue(child.home());
        }
        Address address = new Address().setCity("Example");
        address.addExtension("https://carebridge.example.org/fhir/StructureDefinition/local-authority-area", new CodeType(child.area()));
        home.setAddress(address);
        add(bundle, home, false);
        return bundle;
    }

    private static void add(Bundle bundle, Resource resource, boolean focus) {
        resource.setId(UUID.randomUUID().toString());
        bundle.addEntry().setFullUrl(url(resource)).setResource(resource);
        if (focus) {
            ((MessageHeader) bundle.getEntryFirstRep().getResource()).addFocus(new Reference(url(resource)));
        }
    }

    private static String url(Resource resource) {
        return "urn:uuid:" + resource.getIdElement().getIdPart();
    }

    private static String patientUrl(Bundle bundle) {
        return bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient).findFirst().orElseThrow().getFullUrl();
    }
}
