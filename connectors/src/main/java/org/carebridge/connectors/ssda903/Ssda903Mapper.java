package org.carebridge.connectors.ssda903;

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
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Maps SSDA903 rows to canonical CareBridge messages: a new episode that changes placement becomes a
 * {@code placement-notification}, a Missing row a {@code missing-episode}. Pure: no I/O, no clock of its own, so the
 * same rows always give the same messages (the message id derives from sender, child, event and date).
 */
final class Ssda903Mapper {

    static final String CB = "https://carebridge.example.org/fhir";
    static final String EVENT_SYSTEM = CB + "/CodeSystem/carebridge-event";
    static final String YEAR_TAG_SYSTEM = CB + "/CodeSystem/ssda903-collection-year";
    static final String RNE_SYSTEM = CB + "/CodeSystem/ssda903-reason-new-episode";
    static final String LS_SYSTEM = CB + "/CodeSystem/ssda903-legal-status";
    static final String CIN_SYSTEM = CB + "/CodeSystem/ssda903-category-of-need";
    static final String PLACE_SYSTEM = CB + "/CodeSystem/ssda903-placement";
    static final String PROVIDER_SYSTEM = CB + "/CodeSystem/ssda903-placement-provider";
    static final String MISSING_SYSTEM = CB + "/CodeSystem/ssda903-missing";
    static final String PLACEMENT_TYPE_SYSTEM = CB + "/CodeSystem/placement-type";
    static final String MISSING_EPISODE_SYSTEM = CB + "/CodeSystem/missing-episode";
    static final String LA_CHILD_ID_PREFIX = CB + "/NamingSystem/la-child-id/";
    static final String UPN_SYSTEM = CB + "/NamingSystem/upn";
    static final String HOME_SYSTEM = CB + "/NamingSystem/childrens-home";
    static final String LOCAL_AUTHORITY_SYSTEM = CB + "/NamingSystem/local-authority";
    static final String AREA_EXTENSION = CB + "/StructureDefinition/local-authority-area";
    static final String ETHNIC_EXTENSION = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory";
    static final String ETHNIC_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland";
    static final String PARTNER_PREFIX = "urn:carebridge:partner:";

    static final String PLACEMENT_NOTIFICATION = "placement-notification";
    static final String MISSING_EPISODE = "missing-episode";

    /** RNE codes that change the child's placement; L (legal status only) does not. */
    static final Set<String> PLACEMENT_CHANGES = Set.of("S", "P", "T", "B", "U");
    /** Temporary moves: made at short notice. */
    static final Set<String> TEMPORARY_PLACES = Set.of("T0", "T1", "T2", "T3", "T4");
    static final Set<String> PLANNED_CHANGES = Set.of("P", "T", "B", "U");
    static final Set<String> NO_URN = Set.of("XXXXXXX");

    /** Missing table MISSING code to the CareBridge missing-episode code the police rule reads. */
    static final Map<String, String> MISSING_REPORTED = Map.of("M", "reported-to-police", "A", "not-reported-to-police");

    /** DfE ethnicity (SSDA903 ETHNIC) to the UK Core ethnic category (England), for the gateway's monitoring. */
    static final Map<String, String> ETHNIC_CATEGORY = Map.ofEntries(
            Map.entry("WBRI", "A"), Map.entry("WIRI", "B"), Map.entry("WOTH", "C"), Map.entry("WIRT", "C"),
            Map.entry("WROM", "C"), Map.entry("MWBC", "D"), Map.entry("MWBA", "E"), Map.entry("MWAS", "F"),
            Map.entry("MOTH", "G"), Map.entry("AIND", "H"), Map.entry("APKN", "J"), Map.entry("ABAN", "K"),
            Map.entry("AOTH", "L"), Map.entry("BCRB", "M"), Map.entry("BAFR", "N"), Map.entry("BOTH", "P"),
            Map.entry("CHNE", "R"), Map.entry("OOTH", "S"), Map.entry("REFU", "Z"));
    static final Map<String, String> ETHNIC_DISPLAY = Map.ofEntries(
            Map.entry("A", "British, Mixed British"), Map.entry("B", "Irish"), Map.entry("C", "Any other White background"),
            Map.entry("D", "White and Black Caribbean"), Map.entry("E", "White and Black African"),
            Map.entry("F", "White and Asian"), Map.entry("G", "Any other mixed background"),
            Map.entry("H", "Indian or British Indian"), Map.entry("J", "Pakistani or British Pakistani"),
            Map.entry("K", "Bangladeshi or British Bangladeshi"), Map.entry("L", "Any other Asian background"),
            Map.entry("M", "Caribbean"), Map.entry("N", "African"), Map.entry("P", "Any other Black background"),
            Map.entry("R", "Chinese"), Map.entry("S", "Any other ethnic group"), Map.entry("Z", "Not stated"));

    private static final Pattern CHILD_ID = Pattern.compile("[A-Za-z0-9]{1,10}");
    private static final Pattern UPN = Pattern.compile("[A-Z]\\d{11}[0-9A-Z]");
    private static final Pattern UPN_UNKNOWN = Pattern.compile("UN[1-5]");
    private static final Pattern AREA = Pattern.compile("[EWSN]\\d{8}");

    /** A Header child: what the Patient is made from. */
    record Child(String id, String upn, AdministrativeGender gender, LocalDate birthDate, String ethnicCategory) {
    }

    /** Where a child was placed from a day on: what a later missing episode's placement is taken from. */
    record Placement(LocalDate start, String urn, String place, String postcode, String area) {
    }

    /** An episode row's outcome, and the placement it records when it was readable. */
    record EpisodeRow(RowOutcome outcome, Placement placement) {
    }

    private final Ssda903Settings settings;
    private final ChildrensHomes homes;
    private final Instant mappedAt;
    private final boolean messages;
    private LocalDate latestStart;

    Ssda903Mapper(Ssda903Settings settings, ChildrensHomes homes, Instant mappedAt) {
        this(settings, homes, mappedAt, true);
    }

    /** @param messages false to check and answer each row without building its message (a checking pass) */
    Ssda903Mapper(Ssda903Settings settings, ChildrensHomes homes, Instant mappedAt, boolean messages) {
        this.settings = settings;
        this.homes = homes;
        this.mappedAt = mappedAt;
        this.messages = messages;
    }

    Child child(Fields row) throws RowProblem {
        String id = childId(row);
        String sex = row.whole("SEX", true);
        AdministrativeGender gender = switch (sex) {
            case "1" -> AdministrativeGender.MALE;
            case "2" -> AdministrativeGender.FEMALE;
            default -> throw new RowProblem(row.label("SEX"), row.label("SEX") + " must be 1 (male) or 2 (female)");
        };
        LocalDate birthDate = row.date("DOB", true);
        String ethnic = row.code("ETHNIC", "ETHNIC", false, settings.year());
        String upn = row.text("UPN");
        if (upn != null && UPN_UNKNOWN.matcher(upn).matches()) {
            upn = null;
        } else if (upn != null && !UPN.matcher(upn).matches()) {
            throw new RowProblem(row.label("UPN"), row.label("UPN") + " is neither a 13-character unique pupil number nor UN1 to UN5");
        }
        return new Child(id, upn, gender, birthDate, ethnic == null ? null : ETHNIC_CATEGORY.get(ethnic));
    }

    String childId(Fields row) throws RowProblem {
        String id = row.required("CHILD");
        if (!CHILD_ID.matcher(id).matches()) {
            throw new RowProblem(row.label("CHILD"), row.label("CHILD") + " must be 1 to 10 letters and digits");
        }
        return id;
    }

    EpisodeRow episode(String table, long line, Fields row, Child child) {
        try {
            childId(row);
            LocalDate start = row.date("DECOM", true);
            if (latestStart == null || start.isAfter(latestStart)) {
                latestStart = start;
            }
            String rne = row.code("RNE", "RNE", true, settings.year());
            String ls = row.code("LS", "LS", true, settings.year());
            String cin = row.code("CIN", "CIN", true, settings.year());
            String place = row.code("PLACE", "PLACE", true, settings.year());
            String provider = row.code("PLACE_PROVIDER", "PLACE_PROVIDER", false, settings.year());
            LocalDate end = row.date("DEC", false);
            if (end != null && end.isBefore(start)) {
                throw new RowProblem(row.label("DEC"), row.label("DEC") + " is before " + row.label("DECOM"));
            }
            String urn = row.whole("URN", false);
            urn = urn == null || NO_URN.contains(urn) ? null : urn;
            String areaInFile = row.text("PL_LA");
            if (areaInFile != null && !AREA.matcher(areaInFile).matches()) {
                throw new RowProblem(row.label("PL_LA"), row.label("PL_LA") + " is not a local authority code (e.g. E10000020)");
            }
            if (child == null) {
                throw new RowProblem(row.label("CHILD"), "the child has no readable row in the Header table");
            }
            String area = areaInFile != null ? areaInFile : homes.byUrn(urn).map(ChildrensHomes.Home::area).orElse(null);
            Placement placement = new Placement(start, urn, place, row.text("PL_POST"), area);
            if (!PLACEMENT_CHANGES.contains(rne)) {
                return new EpisodeRow(RowOutcome.skipped(table, line, "RNE " + rne + ": the legal status changed, not the placement"), placement);
            }
            if (start.isBefore(settings.newSince())) {
                return new EpisodeRow(RowOutcome.skipped(table, line, "the episode started before " + settings.newSince() + ": not new"), placement);
            }
            String messageId = messageId(child.id(), PLACEMENT_NOTIFICATION, start);
            Bundle bundle = messages ? placementNotification(messageId, child, placement, rne, ls, cin, provider, end) : null;
            return new EpisodeRow(RowOutcome.mapped(table, line, PLACEMENT_NOTIFICATION, messageId, bundle), placement);
        } catch (RowProblem problem) {
            return new EpisodeRow(RowOutcome.refused(table, line, problem.column(), problem.getMessage()), null);
        }
    }

    RowOutcome missing(String table, long line, Fields row, Child child, List<Placement> placements) {
        try {
            childId(row);
            String kind = row.code("MISSING", "MISSING", true, settings.year());
            LocalDate start = row.date("MIS_START", true);
            LocalDate end = row.date("MIS_END", false);
            if (end != null && end.isBefore(start)) {
                throw new RowProblem(row.label("MIS_END"), row.label("MIS_END") + " is before " + row.label("MIS_START"));
            }
            if (child == null) {
                throw new RowProblem(row.label("CHILD"), "the child has no readable row in the Header table");
            }
            if (start.isBefore(settings.newSince())) {
                return RowOutcome.skipped(table, line, "the missing episode started before " + settings.newSince() + ": not new");
            }
            Placement placement = placements.stream().filter(p -> !p.start().isAfter(start))
                    .reduce((a, b) -> b.start().isBefore(a.start()) ? a : b).orElse(null);
            String messageId = messageId(child.id(), MISSING_EPISODE, start);
            return RowOutcome.mapped(table, line, MISSING_EPISODE, messageId,
                    messages ? missingEpisode(messageId, child, placement, kind, start, end) : null);
        } catch (RowProblem problem) {
            return RowOutcome.refused(table, line, problem.column(), problem.getMessage());
        }
    }

    /** The latest DECOM of every readable episode row so far, new or not; null when there was none. */
    LocalDate latestStart() {
        return latestStart;
    }

    /** Sender, child, event and its date: a file sent again gives the same ids, which intake stores once. */
    String messageId(String childId, String event, LocalDate date) {
        return UUID.nameUUIDFromBytes(("ssda903|" + settings.senderId() + "|" + childId + "|" + event + "|" + date)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Planned or emergency from RNE and PLACE (README, "SSDA903 mapping"); null when the return cannot tell. */
    static String placementType(String rne, String place) {
        if (TEMPORARY_PLACES.contains(place)) {
            return "emergency";
        }
        return PLANNED_CHANGES.contains(rne) ? "planned" : null;
    }

    private Bundle placementNotification(String messageId, Child child, Placement placement, String rne, String ls, String cin,
                                         String provider, LocalDate end) {
        Ids ids = new Ids(messageId);
        Bundle bundle = message(messageId, PLACEMENT_NOTIFICATION, "Placement notification");
        Patient patient = patient(ids, child);
        Organization authority = authority(ids);
        EpisodeOfCare episode = new EpisodeOfCare();
        episode.setId(ids.id("EpisodeOfCare"));
        episode.setStatus(end == null ? EpisodeOfCare.EpisodeOfCareStatus.ACTIVE : EpisodeOfCare.EpisodeOfCareStatus.FINISHED);
        String type = placementType(rne, placement.place());
        if (type != null) {
            episode.addType(new CodeableConcept(new Coding(PLACEMENT_TYPE_SYSTEM, type,
                    type.equals("planned") ? "Planned placement" : "Emergency placement")));
        }
        episode.addType(ssda903(PLACE_SYSTEM, "PLACE", placement.place()));
        episode.addType(ssda903(RNE_SYSTEM, "RNE", rne));
        episode.addType(ssda903(LS_SYSTEM, "LS", ls));
        episode.addType(ssda903(CIN_SYSTEM, "CIN", cin));
        if (provider != null) {
            episode.addType(ssda903(PROVIDER_SYSTEM, "PLACE_PROVIDER", provider));
        }
        episode.setPatient(ids.ref(patient));
        episode.setManagingOrganization(ids.ref(authority));
        episode.setPeriod(period(placement.start(), end));
        Location location = location(ids, placement);
        MessageHeader header = header(bundle, ids);
        header.addFocus(ids.ref(patient));
        header.addFocus(ids.ref(episode));
        add(bundle, ids, patient, episode, authority);
        if (location != null) {
            add(bundle, ids, location);
        }
        return bundle;
    }

    private Bundle missingEpisode(String messageId, Child child, Placement placement, String kind, LocalDate start, LocalDate end) {
        Ids ids = new Ids(messageId);
        Bundle bundle = message(messageId, MISSING_EPISODE, "Missing episode");
        Patient patient = patient(ids, child);
        Organization authority = authority(ids);
        EpisodeOfCare episode = new EpisodeOfCare();
        episode.setId(ids.id("EpisodeOfCare"));
        episode.setStatus(EpisodeOfCare.EpisodeOfCareStatus.ACTIVE);
        episode.addType().setText("Looked-after child");
        episode.setPatient(ids.ref(patient));
        episode.setManagingOrganization(ids.ref(authority));
        if (placement != null) {
            episode.setPeriod(period(placement.start(), null));
        }
        Location location = placement == null ? null : location(ids, placement);
        Encounter encounter = new Encounter();
        encounter.setId(ids.id("Encounter"));
        encounter.setStatus(end == null ? Encounter.EncounterStatus.INPROGRESS : Encounter.EncounterStatus.FINISHED);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "FLD", "field"));
        String reported = MISSING_REPORTED.get(kind);
        encounter.addType(new CodeableConcept(new Coding(MISSING_EPISODE_SYSTEM, reported,
                reported.equals("reported-to-police") ? "Reported missing to the police" : "Not reported to the police")));
        encounter.addType(ssda903(MISSING_SYSTEM, "MISSING", kind));
        encounter.setSubject(ids.ref(patient));
        encounter.setPeriod(period(start, end));
        if (location != null) {
            encounter.addLocation().setLocation(ids.ref(location));
        }
        MessageHeader header = header(bundle, ids);
        header.addFocus(ids.ref(encounter));
        add(bundle, ids, patient, authority, episode);
        if (location != null) {
            add(bundle, ids, location);
        }
        add(bundle, ids, encounter);
        return bundle;
    }

    private Bundle message(String messageId, String event, String display) {
        Bundle bundle = new Bundle();
        bundle.setId(messageId);
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestampElement(new InstantType(Date.from(mappedAt)));
        bundle.getMeta().addTag(YEAR_TAG_SYSTEM, settings.year().year(), "Mapped from SSDA903 with the " + settings.year().year() + " code lists");
        MessageHeader header = new MessageHeader();
        header.setEvent(new Coding(EVENT_SYSTEM, event, display));
        header.getSource().setName(settings.senderName()).setEndpoint(PARTNER_PREFIX + settings.senderId());
        bundle.addEntry().setResource(header);
        return bundle;
    }

    private static MessageHeader header(Bundle bundle, Ids ids) {
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        header.setId(ids.id("MessageHeader"));
        bundle.getEntryFirstRep().setFullUrl(ids.url("MessageHeader"));
        return header;
    }

    private Patient patient(Ids ids, Child child) {
        Patient patient = new Patient();
        patient.setId(ids.id("Patient"));
        if (child.ethnicCategory() != null) {
            patient.addExtension(ETHNIC_EXTENSION, new CodeableConcept(new Coding(ETHNIC_SYSTEM, child.ethnicCategory(),
                    ETHNIC_DISPLAY.get(child.ethnicCategory()))));
        }
        patient.addIdentifier().setSystem(LA_CHILD_ID_PREFIX + settings.senderArea()).setValue(child.id());
        if (child.upn() != null) {
            patient.addIdentifier().setSystem(UPN_SYSTEM).setValue(child.upn());
        }
        patient.setGender(child.gender());
        patient.setBirthDateElement(new DateType(child.birthDate().toString()));
        return patient;
    }

    private Organization authority(Ids ids) {
        Organization organization = new Organization();
        organization.setId(ids.id("Organization"));
        organization.addIdentifier().setSystem(LOCAL_AUTHORITY_SYSTEM).setValue(settings.senderArea());
        organization.setName(settings.senderName());
        return organization;
    }

    private Location location(Ids ids, Placement placement) {
        if (placement.urn() == null && placement.postcode() == null && placement.area() == null) {
            return null;
        }
        Location location = new Location();
        location.setId(ids.id("Location"));
        if (placement.urn() != null) {
            location.addIdentifier().setSystem(HOME_SYSTEM).setValue(placement.urn());
            homes.byUrn(placement.urn()).map(ChildrensHomes.Home::name).ifPresent(location::setName);
        }
        settings.year().display("PLACE", placement.place()).ifPresent(text -> location.addType().setText(text));
        Address address = new Address();
        if (placement.area() != null) {
            address.addExtension(AREA_EXTENSION, new CodeType(placement.area()));
        }
        if (placement.postcode() != null) {
            address.setPostalCode(placement.postcode());
        }
        address.setCountry("GB");
        location.setAddress(address);
        return location;
    }

    private CodeableConcept ssda903(String system, String field, String code) {
        Coding coding = new Coding(system, code, settings.year().display(field, code).orElse(null));
        coding.setVersion(settings.year().year());
        return new CodeableConcept(coding);
    }

    private static Period period(LocalDate start, LocalDate end) {
        Period period = new Period();
        period.setStartElement(new DateTimeType(start.toString()));
        if (end != null) {
            period.setEndElement(new DateTimeType(end.toString()));
        }
        return period;
    }

    private static void add(Bundle bundle, Ids ids, Resource... resources) {
        for (Resource resource : resources) {
            bundle.addEntry().setFullUrl(ids.url(resource.fhirType())).setResource(resource);
        }
    }

    /**
     * Resource ids derived from the message id, so the same row always gives the same message. Each is a digest, and a
     * message names most resources several times (id, full URL, references): each is worked out once.
     */
    private static final class Ids {

        private final String messageId;
        private final Map<String, String> byType = new HashMap<>();

        Ids(String messageId) {
            this.messageId = messageId;
        }

        String id(String type) {
            return byType.computeIfAbsent(type,
                    t -> UUID.nameUUIDFromBytes((messageId + "|" + t).getBytes(StandardCharsets.UTF_8)).toString());
        }

        String url(String type) {
            return "urn:uuid:" + id(type);
        }

        Reference ref(Resource resource) {
            return new Reference(url(resource.fhirType()));
        }
    }
}
