package org.carebridge.connectors.police;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.carebridge.connectors.ssda903.ChildrensHomes;
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
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps a CareBridge police event (config/schema/police-event.schema.json: CareBridge-defined, shaped on the NPCC POLE
 * model) to a canonical message from the force: custody-detention to {@code custody-notification}, missing-report to
 * {@code missing-episode}, mash-referral to {@code mash-referral}, out-of-area-contact to
 * {@code out-of-area-justice-contact}. The document is checked against the schema first; the officer's own account
 * goes only into {@code note}, which no field profile passes on. Pure: the same document always gives the same message.
 */
public final class PoliceEventMapper {

    static final String CB = "https://carebridge.example.org/fhir";
    static final Map<String, String[]> EVENTS = Map.of(
            "custody-detention", new String[]{"custody-notification", "Custody notification (Golden Hour)"},
            "missing-report", new String[]{"missing-episode", "Missing episode"},
            "mash-referral", new String[]{"mash-referral", "MASH referral"},
            "out-of-area-contact", new String[]{"out-of-area-justice-contact", "Out-of-area justice contact"});

    /** A mapped document. */
    public record Mapped(String event, String messageId, Bundle bundle) {
    }

    public static final int MAX_BYTES = 256 * 1024;
    private final ObjectMapper json = new ObjectMapper();
    private final JsonSchema schema;
    private final ChildrensHomes homes;

    public PoliceEventMapper(Path schemaFile, ChildrensHomes homes) {
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build());
        try {
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(json.readTree(Files.readString(schemaFile)), com.networknt.schema.SchemaValidatorsConfig.builder()
                            .formatAssertionsEnabled(true).build());
        } catch (IOException e) {
            throw new IllegalStateException("the police event schema cannot be read", e);
        }
        this.homes = homes;
    }

    /** @param senderId the force the transport authenticated; the message's source */
    public Mapped map(byte[] document, String senderId, String senderName, Instant mappedAt) {
        if (document.length == 0) {
            throw new PoliceEventRefused(List.of("the document is empty"));
        }
        if (document.length > MAX_BYTES) {
            throw new PoliceEventRefused(List.of("the document is larger than " + MAX_BYTES + " bytes"));
        }
        JsonNode root;
        try {
            root = json.readTree(new String(document, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new PoliceEventRefused(List.of("the document is not JSON (line " + e.getLocation().getLineNr() + ")"));
        }
        List<String> problems = new ArrayList<>();
        schema.validate(root).stream().sorted(Comparator.comparing(m -> m.getInstanceLocation().toString()))
                .forEach(m -> problems.add(problem(m)));
        List<JsonNode> subjects = new ArrayList<>();
        root.path("persons").forEach(p -> {
            if ("subject".equals(p.path("role").asText())) {
                subjects.add(p);
            }
        });
        if (problems.isEmpty() && subjects.size() != 1) {
            problems.add("/persons: exactly one person must have role subject");
        }
        JsonNode event = root.path("event");
        String type = event.path("type").asText();
        if (problems.isEmpty() && type.equals("mash-referral") && event.path("concern").isMissingNode()) {
            problems.add("/event/concern: required for a mash-referral");
        }
        if (problems.isEmpty() && type.equals("out-of-area-contact") && event.path("outcome").isMissingNode()) {
            problems.add("/event/outcome: required for an out-of-area-contact");
        }
        if (!problems.isEmpty()) {
            throw new PoliceEventRefused(problems);
        }
        String[] mapped = EVENTS.get(type);
        String messageId = UUID.nameUUIDFromBytes(("police-event|" + senderId + "|" + root.path("eventId").asText() + "|" + mapped[0]
                + "|" + event.path("start").asText()).getBytes(StandardCharsets.UTF_8)).toString();
        return new Mapped(mapped[0], messageId, bundle(root, subjects.get(0), type, mapped, messageId, senderId, senderName, mappedAt));
    }

    /** The path and the kind of problem; schema messages can quote values, so only their type is kept. */
    private static String problem(ValidationMessage message) {
        String kind = switch (message.getType()) {
            case "required" -> "a required property is missing (" + message.getProperty() + ")";
            case "additionalProperties" -> "a property the format does not define (" + safe(message.getProperty()) + ")";
            case "enum", "const" -> "not one of the allowed values";
            case "pattern" -> "not in the required form";
            case "format" -> "not a valid date or date-time";
            case "type" -> "the wrong type";
            case "maxLength", "maxItems", "minItems" -> "the wrong length";
            default -> "does not conform (" + message.getType() + ")";
        };
        return message.getInstanceLocation() + ": " + kind;
    }

    private static String safe(String name) {
        return name != null && name.matches("[A-Za-z0-9_-]{1,40}") ? name : "a name that is not a property name";
    }

    private Bundle bundle(JsonNode root, JsonNode subject, String type, String[] mapped, String messageId, String senderId,
                          String senderName, Instant mappedAt) {
        JsonNode event = root.path("event");
        Bundle bundle = new Bundle();
        bundle.setId(messageId);
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestampElement(new InstantType(Date.from(mappedAt)));
        bundle.getMeta().addTag(CB + "/CodeSystem/source-format", "carebridge-police-event-1", "Mapped from a CareBridge police event, version 1");
        MessageHeader header = new MessageHeader();
        header.setId(id(messageId, "MessageHeader"));
        header.setEvent(new Coding(CB + "/CodeSystem/carebridge-event", mapped[0], mapped[1]));
        header.getSource().setName(senderName).setEndpoint("urn:carebridge:partner:" + senderId);
        bundle.addEntry().setFullUrl(url(messageId, "MessageHeader")).setResource(header);

        Patient patient = patient(messageId, subject);
        add(bundle, messageId, patient);
        String responsible = subject.path("responsibleAuthority").asText(null);
        if (responsible != null) {
            Organization authority = new Organization();
            authority.setId(id(messageId, "Organization/responsible"));
            authority.addIdentifier().setSystem(CB + "/NamingSystem/local-authority").setValue(responsible);
            EpisodeOfCare episode = new EpisodeOfCare();
            episode.setId(id(messageId, "EpisodeOfCare"));
            episode.setStatus(EpisodeOfCare.EpisodeOfCareStatus.ACTIVE);
            episode.addType().setText("Looked-after child");
            episode.setPatient(ref(messageId, "Patient"));
            episode.setManagingOrganization(ref(messageId, "Organization/responsible"));
            bundle.addEntry().setFullUrl(url(messageId, "Organization/responsible")).setResource(authority);
            add(bundle, messageId, episode);
        }
        Location placement = placement(messageId, root);
        if (placement != null) {
            add(bundle, messageId, placement);
        }
        Organization force = new Organization();
        force.setId(id(messageId, "Organization/force"));
        force.setName(senderName);
        bundle.addEntry().setFullUrl(url(messageId, "Organization/force")).setResource(force);

        String eventId = root.path("eventId").asText();
        Resource focus = switch (type) {
            case "mash-referral" -> referral(messageId, event, eventId);
            default -> encounter(messageId, type, event, eventId, placement != null);
        };
        add(bundle, messageId, focus);
        header.addFocus(ref(messageId, focus.fhirType()));
        if (type.equals("out-of-area-contact")) {
            Observation outcome = new Observation();
            outcome.setId(id(messageId, "Observation"));
            outcome.setStatus(Observation.ObservationStatus.FINAL);
            String code = event.path("outcome").path("code").asText();
            outcome.setCode(new CodeableConcept(new Coding(CB + "/CodeSystem/police-outcome", code, null)));
            outcome.setSubject(ref(messageId, "Patient"));
            outcome.setEffective(new DateTimeType(event.path("outcome").path("decided").asText()));
            outcome.addPerformer(ref(messageId, "Organization/force"));
            if (event.path("outcome").hasNonNull("crimeReference")) {
                outcome.addIdentifier().setSystem(CB + "/NamingSystem/crime-reference").setValue(event.path("outcome").path("crimeReference").asText());
            }
            add(bundle, messageId, outcome);
            header.addFocus(ref(messageId, "Observation"));
        }
        return bundle;
    }

    private Patient patient(String messageId, JsonNode person) {
        Patient patient = new Patient();
        patient.setId(id(messageId, "Patient"));
        if (person.hasNonNull("nhsNumber")) {
            patient.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue(person.path("nhsNumber").asText());
        }
        if (person.has("laChildId")) {
            patient.addIdentifier().setSystem(CB + "/NamingSystem/la-child-id/" + person.path("laChildId").path("area").asText())
                    .setValue(person.path("laChildId").path("value").asText());
        }
        if (person.hasNonNull("pncId")) {
            patient.addIdentifier().setSystem(CB + "/NamingSystem/pnc-id").setValue(person.path("pncId").asText());
        }
        if (person.hasNonNull("family") || person.has("given")) {
            var name = patient.addName().setFamily(person.path("family").asText(null));
            person.path("given").forEach(g -> name.addGiven(g.asText()));
        }
        if (person.hasNonNull("sex")) {
            patient.setGender(AdministrativeGender.fromCode(person.path("sex").asText()));
        }
        if (person.hasNonNull("birthDate")) {
            patient.setBirthDateElement(new DateType(person.path("birthDate").asText()));
        }
        return patient;
    }

    private Location placement(String messageId, JsonNode root) {
        for (JsonNode node : root.path("locations")) {
            if (!"placement".equals(node.path("role").asText())) {
                continue;
            }
            Location location = new Location();
            location.setId(id(messageId, "Location"));
            String urn = node.path("childrensHomeUrn").asText(null);
            if (urn != null) {
                location.addIdentifier().setSystem(CB + "/NamingSystem/childrens-home").setValue(urn);
            }
            String name = node.path("name").asText(null);
            if (name == null) {
                name = homes.byUrn(urn).map(ChildrensHomes.Home::name).orElse(null);
            }
            location.setName(name);
            String area = node.path("area").asText(null);
            if (area == null) {
                area = homes.byUrn(urn).map(ChildrensHomes.Home::area).orElse(null);
            }
            Address address = new Address().setCountry("GB");
            if (area != null) {
                address.addExtension(CB + "/StructureDefinition/local-authority-area", new CodeType(area));
            }
            location.setAddress(address);
            return location;
        }
        return null;
    }

    private Encounter encounter(String messageId, String type, JsonNode event, String eventId, boolean atPlacement) {
        Encounter encounter = new Encounter();
        encounter.setId(id(messageId, "Encounter"));
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "FLD", "field"));
        encounter.setStatus(event.hasNonNull("end") ? Encounter.EncounterStatus.FINISHED : Encounter.EncounterStatus.INPROGRESS);
        encounter.getPeriod().setStartElement(new DateTimeType(event.path("start").asText()));
        if (event.hasNonNull("end")) {
            encounter.getPeriod().setEndElement(new DateTimeType(event.path("end").asText()));
        }
        encounter.setSubject(ref(messageId, "Patient"));
        encounter.setServiceProvider(ref(messageId, "Organization/force"));
        switch (type) {
            case "custody-detention" -> {
                encounter.addIdentifier().setSystem(CB + "/NamingSystem/custody-record").setValue(eventId);
                encounter.addType().setText("Detained in police custody");
            }
            case "missing-report" -> {
                encounter.addIdentifier().setSystem(CB + "/NamingSystem/police-missing-report").setValue(eventId);
                encounter.addType(new CodeableConcept(new Coding(CB + "/CodeSystem/missing-episode", "reported-to-police",
                        "Reported missing to the police")).setText("Missing from placement"));
                if (atPlacement) {
                    encounter.addLocation().setLocation(ref(messageId, "Location"));
                }
            }
            default -> encounter.addType().setText("Police contact");
        }
        if (event.hasNonNull("where") && !type.equals("missing-report")) {
            encounter.addLocation().setLocation(new Reference().setDisplay(event.path("where").asText()));
        }
        if (event.hasNonNull("reason")) {
            encounter.addReasonCode().setText(event.path("reason").asText());
        }
        if (event.hasNonNull("officerAccount")) {
            encounter.getText().setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED)
                    .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">" + escape(event.path("officerAccount").asText()) + "</div>");
        }
        return encounter;
    }

    private ServiceRequest referral(String messageId, JsonNode event, String eventId) {
        ServiceRequest request = new ServiceRequest();
        request.setId(id(messageId, "ServiceRequest"));
        request.addIdentifier().setSystem(CB + "/NamingSystem/c39d-referral").setValue(eventId);
        request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        request.setIntent(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        request.addCategory().setText("Child at risk referral (form C39d)");
        request.setPriority(ServiceRequest.ServiceRequestPriority.fromCode(event.path("priority").asText("routine")));
        request.getCode().setText("Referral to children's social care through the MASH");
        request.setSubject(ref(messageId, "Patient"));
        request.setOccurrence(new DateTimeType(event.path("start").asText()));
        request.setRequester(ref(messageId, "Organization/force"));
        JsonNode concern = event.path("concern");
        request.addReasonCode(new CodeableConcept(new Coding(CB + "/CodeSystem/safeguarding-concern", concern.path("code").asText(), null))
                .setText(concern.path("summary").asText(null)));
        if (event.hasNonNull("officerAccount")) {
            request.addNote().setText(event.path("officerAccount").asText());
        }
        return request;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void add(Bundle bundle, String messageId, Resource resource) {
        bundle.addEntry().setFullUrl(url(messageId, resource.fhirType())).setResource(resource);
    }

    private static String id(String messageId, String what) {
        return UUID.nameUUIDFromBytes((messageId + "|" + what).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String url(String messageId, String what) {
        return "urn:uuid:" + id(messageId, what);
    }

    private static Reference ref(String messageId, String what) {
        return new Reference(url(messageId, what));
    }
}
