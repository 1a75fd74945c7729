package org.carebridge.gateway.report;

import org.carebridge.security.fhir.MessageAreas;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the monitoring facts a record reports: one police contact per custody notification or missing episode (at the
 * Encounter's period.start: the detention, or when the child went missing), and one police outcome per Observation
 * coded from {@value Measure#POLICE_OUTCOME_SYSTEM} in any message. Age is worked out at the event; the birth date,
 * like every identifier, goes no further. What a message does not say is counted as unknown, never guessed; a record
 * is never refused for what it leaves out here.
 */
public class MonitoringFactExtractor {

    public static final String CHILDRENS_HOME_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/childrens-home";
    static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private static final Pattern AREA_CODE = Pattern.compile("[EWSN]\\d{8}");
    private static final Pattern HOME_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public List<MonitoringFact> extract(String event, Bundle bundle, Instant receivedAt) {
        List<MonitoringFact> facts = new ArrayList<>();
        Strata strata = null;
        Instant contactAt = null;
        Patient contactSubject = null;
        Optional<Measure> contact = switch (event) {
            case "custody-notification" -> Optional.of(Measure.CUSTODY_NOTIFICATION);
            case "missing-episode" -> Optional.of(Measure.MISSING_EPISODE);
            default -> Optional.empty();
        };
        Encounter encounter = resources(bundle, Encounter.class).stream()
                .filter(e -> e.hasPeriod() && e.getPeriod().hasStart()).findFirst()
                .orElse(resources(bundle, Encounter.class).stream().findFirst().orElse(null));
        if (encounter != null) {
            contactAt = encounter.hasPeriod() && encounter.getPeriod().hasStart() ? encounter.getPeriod().getStart().toInstant() : null;
            contactSubject = patient(bundle, encounter.getSubject());
        }
        if (contact.isPresent()) {
            strata = strata(bundle);
            Instant at = contactAt != null ? contactAt : receivedAt;
            facts.add(fact(contact.get(), at, contactSubject != null ? contactSubject : patient(bundle, null), strata));
        }
        for (Observation observation : resources(bundle, Observation.class)) {
            Optional<Measure> outcome = outcome(observation.getCode());
            if (outcome.isEmpty()) {
                continue;
            }
            if (strata == null) {
                strata = strata(bundle);
            }
            Instant at = observationTime(observation);
            at = at != null ? at : contactAt != null ? contactAt : receivedAt;
            Patient subject = patient(bundle, observation.getSubject());
            facts.add(fact(outcome.get(), at, subject != null ? subject : contactSubject != null ? contactSubject : patient(bundle, null), strata));
        }
        return facts;
    }

    private record Strata(String area, String placingAuthority, String childrensHome) {
    }

    private static Strata strata(Bundle bundle) {
        Location home = resources(bundle, Location.class).stream()
                .filter(l -> homeId(l).isPresent()).findFirst().orElse(null);
        String area = Optional.ofNullable(home).flatMap(MonitoringFactExtractor::area)
                .or(() -> MessageAreas.receivingArea(bundle)).orElse(null);
        String placing = MessageAreas.responsibleArea(bundle).orElse(null);
        return new Strata(areaCode(area), areaCode(placing),
                home == null ? MonitoringFact.NO_HOME : homeId(home).orElse(MonitoringFact.NO_HOME));
    }

    private static MonitoringFact fact(Measure measure, Instant at, Patient child, Strata strata) {
        LocalDate day = LocalDate.ofInstant(at, ENGLAND);
        String ageBand = MonitoringFact.UNKNOWN;
        String sex = MonitoringFact.UNKNOWN;
        String ethnicGroup = MonitoringFact.NOT_STATED;
        if (child != null) {
            ageBand = AgeBands.of(birthDate(child.getBirthDateElement().getValueAsString()), day);
            if (child.hasGender()) {
                sex = switch (child.getGender()) {
                    case FEMALE -> "female";
                    case MALE -> "male";
                    case OTHER -> "other";
                    default -> MonitoringFact.UNKNOWN;
                };
            }
            ethnicGroup = ethnicGroup(child);
        }
        return new MonitoringFact(YearMonth.from(day), measure, strata.area(), strata.placingAuthority(), strata.childrensHome(),
                ageBand, sex, ethnicGroup);
    }

    /** A FHIR date as written; a year or year-month is taken as its first day, so an age may be a year high, never guessed from elsewhere. */
    private static LocalDate birthDate(String text) {
        if (text == null) {
            return null;
        }
        try {
            return switch (text.length()) {
                case 4 -> LocalDate.of(Integer.parseInt(text), 1, 1);
                case 7 -> YearMonth.parse(text).atDay(1);
                default -> LocalDate.parse(text.substring(0, Math.min(10, text.length())));
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String ethnicGroup(Patient child) {
        Extension extension = child.getExtensionByUrl(EthnicGroups.EXTENSION);
        if (extension != null && extension.getValue() instanceof CodeableConcept concept) {
            for (Coding coding : concept.getCoding()) {
                if (EthnicGroups.SYSTEM.equals(coding.getSystem())) {
                    return EthnicGroups.of(coding.getCode());
                }
            }
        }
        return MonitoringFact.NOT_STATED;
    }

    private static Optional<Measure> outcome(CodeableConcept code) {
        for (Coding coding : code.getCoding()) {
            if (Measure.POLICE_OUTCOME_SYSTEM.equals(coding.getSystem()) && coding.getCode() != null) {
                Optional<Measure> measure = Measure.outcome(coding.getCode());
                if (measure.isPresent()) {
                    return measure;
                }
            }
        }
        return Optional.empty();
    }

    private static Instant observationTime(Observation observation) {
        if (observation.hasEffectiveDateTimeType() && observation.getEffectiveDateTimeType().getValue() != null) {
            return observation.getEffectiveDateTimeType().getValue().toInstant();
        }
        if (observation.hasEffectivePeriod() && observation.getEffectivePeriod().hasStart()) {
            return observation.getEffectivePeriod().getStart().toInstant();
        }
        if (observation.hasEffectiveInstantType() && observation.getEffectiveInstantType().getValue() != null) {
            return observation.getEffectiveInstantType().getValue().toInstant();
        }
        Date issued = observation.getIssued();
        return issued == null ? null : issued.toInstant();
    }

    /** The Patient a reference points at within the Bundle; with no reference, the Bundle's only Patient. */
    private static Patient patient(Bundle bundle, Reference reference) {
        List<Patient> patients = resources(bundle, Patient.class);
        if (reference != null && reference.getReference() != null) {
            String ref = reference.getReference();
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Resource resource = entry.getResource();
                if (resource instanceof Patient patient && (ref.equals(entry.getFullUrl())
                        || ref.equals("Patient/" + resource.getIdElement().getIdPart()))) {
                    return patient;
                }
            }
        }
        return patients.size() == 1 ? patients.get(0) : null;
    }

    private static Optional<String> homeId(Location location) {
        return location.getIdentifier().stream()
                .filter(i -> CHILDRENS_HOME_SYSTEM.equals(i.getSystem()))
                .map(Identifier::getValue)
                .filter(v -> v != null && HOME_ID.matcher(v).matches())
                .findFirst();
    }

    private static Optional<String> area(Location location) {
        if (!location.hasAddress()) {
            return Optional.empty();
        }
        Extension area = location.getAddress().getExtensionByUrl(MessageAreas.AREA_EXTENSION);
        return area == null || area.getValue() == null ? Optional.empty() : Optional.ofNullable(area.getValue().primitiveValue());
    }

    private static String areaCode(String code) {
        return code != null && AREA_CODE.matcher(code).matches() ? code : MonitoringFact.UNKNOWN;
    }

    private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast).toList();
    }
}
