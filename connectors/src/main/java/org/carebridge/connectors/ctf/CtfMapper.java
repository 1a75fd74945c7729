package org.carebridge.connectors.ctf;

import org.carebridge.connectors.ssda903.RowOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a CTF pupil who is looked after by the sending virtual school's authority to {@code education-update} messages:
 * one per exclusion (FIXD and LNCH a suspension, PERM a permanent exclusion) and one when the latest year's attendance
 * shows severe absence (missing education). The child is matched by UPN. Pure: the same pupil always gives the same
 * messages, whose ids derive from sender, UPN, event and date, so a file sent twice stores nothing twice.
 *
 * <p>Every name read is the DfE CTF specification's ({@code Pupil/LookedAfter/InCare}, {@code CareAuthority},
 * {@code Attendance/YearData}) except the {@code Exclusions} block: the published CTF has no exclusions module, so
 * that block is CareBridge-defined (see the README's CTF section), read only when a school's system adds it.
 */
final class CtfMapper {

    static final String CB = "https://carebridge.example.org/fhir";
    static final String EVENT_SYSTEM = CB + "/CodeSystem/carebridge-event";
    static final String EDUCATION_EVENT_SYSTEM = CB + "/CodeSystem/education-event";
    static final String SOURCE_FORMAT_SYSTEM = CB + "/CodeSystem/source-format";
    static final String UPN_SYSTEM = CB + "/NamingSystem/upn";
    static final String LOCAL_AUTHORITY_SYSTEM = CB + "/NamingSystem/local-authority";
    static final String SCHOOL_URN_SYSTEM = "https://fhir.hl7.org.uk/Id/urn-school-number";
    static final String DFE_ESTABLISHMENT_SYSTEM = CB + "/NamingSystem/dfe-establishment";
    static final String PARTNER_PREFIX = "urn:carebridge:partner:";
    static final String EDUCATION_UPDATE = "education-update";

    /** CTF exclusion category to the CareBridge education-event code. A lunchtime exclusion counts as a suspension. */
    static final Map<String, String> CATEGORY = Map.of("FIXD", "suspension", "LNCH", "suspension", "PERM", "permanent-exclusion");
    static final Map<String, String> DISPLAY = Map.of("suspension", "Suspension", "permanent-exclusion", "Permanent exclusion",
            "missing-education", "Missing education");

    /** The UPN check letters: A to Z without I, O and S (DfE UPN guidance). */
    static final String CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";
    private static final Pattern UPN = Pattern.compile("[A-HJ-NP-RT-Z]\\d{11}[0-9A-HJ-NP-RT-Z]");
    private static final Pattern DATE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})?)?");
    private static final Pattern WHOLE = Pattern.compile("(\\d{1,6})(\\.0+)?");
    private static final Pattern YEAR = Pattern.compile("\\d{4}");

    /** The school that made the file (Header/SourceSchool). */
    record School(String lea, String estab, String urn, String name, String ctfVersion) {
    }

    /** One refusal of a pupil or of one of its records: the element at fault and what is wrong, never its value. */
    static final class Problem extends Exception {
        private final String element;

        Problem(String element, String detail) {
            super(detail, null, false, false);
            this.element = element;
        }
    }

    /** The pupil's facts the messages are made from. */
    private record Child(String upn, String family, String given, LocalDate birthDate, AdministrativeGender gender, String area) {
    }

    private final CtfSettings settings;
    private final School school;
    private final Instant mappedAt;

    CtfMapper(CtfSettings settings, School school, Instant mappedAt) {
        this.settings = settings;
        this.school = school;
        this.mappedAt = mappedAt;
    }

    void pupil(CtfReader.Element pupil, Consumer<RowOutcome> out) {
        Child child;
        try {
            CtfReader.Element lookedAfter = lookedAfter(pupil);
            if (lookedAfter == null || !inCare(lookedAfter)) {
                out.accept(skipped("Pupil", pupil.line(), "the CTF does not say the pupil is looked after (LookedAfter/InCare); not sent on"));
                return;
            }
            String authority = lookedAfter.value("CareAuthority");
            String area = authority == null ? settings.senderArea() : settings.authorities().area(authority).orElseThrow(() ->
                    new Problem("CareAuthority", "CareAuthority " + (authority.matches("\\d{1,6}") ? "'" + authority + "' " : "")
                            + "is not a DfE local authority number in config/formats/ctf/local-authorities.yaml"));
            if (!area.equals(settings.senderArea())) {
                out.accept(skipped("Pupil", pupil.line(), "the pupil is in the care of another authority, whose virtual school sends its updates"));
                return;
            }
            child = child(pupil, area);
        } catch (Problem problem) {
            out.accept(refused("Pupil", pupil.line(), problem));
            return;
        }
        CtfReader.Element exclusions = pupil.child("Exclusions");
        CtfReader.Element attendance = pupil.child("Attendance");
        List<CtfReader.Element> excluded = exclusions == null ? List.of() : exclusions.all("Exclusion");
        List<CtfReader.Element> years = attendance == null ? List.of() : attendance.all("YearData");
        if (excluded.isEmpty() && years.isEmpty()) {
            out.accept(skipped("Pupil", pupil.line(), "the pupil has no exclusion or attendance data"));
            return;
        }
        String latest = years.stream().map(y -> y.value("Year")).filter(y -> y != null && YEAR.matcher(y).matches())
                .max(String::compareTo).orElse(null);
        List<RowOutcome> outcomes = new ArrayList<>();
        excluded.forEach(exclusion -> outcomes.add(exclusion(exclusion, child)));
        years.forEach(year -> outcomes.add(attendance(year, child, latest)));
        outcomes.sort(Comparator.comparingLong(RowOutcome::line));
        outcomes.forEach(out);
    }

    private static Child child(CtfReader.Element pupil, String area) throws Problem {
        String upn = pupil.value("UPN");
        if (upn == null) {
            throw new Problem("UPN", "UPN is required: the child is matched by it");
        }
        upn = upn.toUpperCase(Locale.ROOT);
        if (!UPN.matcher(upn).matches()) {
            throw new Problem("UPN", "UPN is not a 13-character unique pupil number");
        }
        if (!checkLetterMatches(upn)) {
            throw new Problem("UPN", "UPN's check letter does not match its digits");
        }
        LocalDate birthDate = date(pupil, "DOB", false);
        String sex = pupil.value("Sex") != null ? pupil.value("Sex") : pupil.value("Gender");
        String sexElement = pupil.value("Sex") != null ? "Sex" : "Gender";
        AdministrativeGender gender = null;
        if (sex != null) {
            gender = switch (sex.toUpperCase(Locale.ROOT)) {
                case "M" -> AdministrativeGender.MALE;
                case "F" -> AdministrativeGender.FEMALE;
                default -> throw new Problem(sexElement, sexElement + " must be M or F");
            };
        }
        return new Child(upn, pupil.value("Surname"), pupil.value("Forename"), birthDate, gender, area);
    }

    /** The looked-after block, {@code Pupil/LookedAfter} in the CTF specification (not under {@code BasicDetails}). */
    private static CtfReader.Element lookedAfter(CtfReader.Element pupil) {
        return pupil.child("LookedAfter");
    }

    private static boolean inCare(CtfReader.Element lookedAfter) throws Problem {
        String value = lookedAfter.value("InCare");
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "y" -> true;
            case "false", "0", "no", "n" -> false;
            default -> throw new Problem("InCare", "InCare must be true or false");
        };
    }

    private RowOutcome exclusion(CtfReader.Element exclusion, Child child) {
        try {
            LocalDate start = date(exclusion, "StartDate", true);
            LocalDate end = date(exclusion, "EndDate", false);
            if (end != null && end.isBefore(start)) {
                throw new Problem("EndDate", "EndDate is before StartDate");
            }
            String category = exclusion.value("Category");
            if (category == null) {
                throw new Problem("Category", "Category is required (FIXD, LNCH or PERM)");
            }
            String code = CATEGORY.get(category.toUpperCase(Locale.ROOT));
            if (code == null) {
                throw new Problem("Category", "Category " + (category.matches("[A-Za-z0-9]{1,6}") ? "'" + category + "' " : "")
                        + "is not an exclusion category (FIXD, LNCH, PERM)");
            }
            if (start.isBefore(settings.newSince())) {
                return skipped("Exclusion", exclusion.line(), "the exclusion started before " + settings.newSince() + ": not new");
            }
            String messageId = messageId(child.upn(), code, start);
            Period period = null;
            if (!code.equals("permanent-exclusion")) {
                period = new Period().setStartElement(new DateTimeType(start.toString()));
                if (end != null) {
                    period.setEndElement(new DateTimeType(end.toString()));
                }
            }
            return mapped("Exclusion", exclusion.line(), messageId, update(messageId, child, code, start, period));
        } catch (Problem problem) {
            return refused("Exclusion", exclusion.line(), problem);
        }
    }

    private RowOutcome attendance(CtfReader.Element year, Child child, String latest) {
        try {
            String name = year.value("Year");
            if (name == null || !YEAR.matcher(name).matches()) {
                throw new Problem("Year", "Year is required: the academic year's start, four digits");
            }
            int possible = whole(year, "SessionsPossible", true);
            int authorised = whole(year, "SessionsAuthorised", false);
            int unauthorised = whole(year, "SessionsUnauthorised", false);
            if (authorised + unauthorised > possible) {
                throw new Problem("SessionsPossible", "more sessions are missed than were possible");
            }
            LocalDate start = date(year, "AttendanceStartDate", false);
            if (start == null) {
                start = LocalDate.of(Integer.parseInt(name), 9, 1);
            }
            if (!name.equals(latest)) {
                return skipped("YearData", year.line(), "an earlier year's attendance; only the latest year is read");
            }
            if (possible == 0) {
                return skipped("YearData", year.line(), "no possible sessions are recorded yet");
            }
            if ((double) (authorised + unauthorised) / possible < settings.severeAbsence()) {
                return skipped("YearData", year.line(), "attendance is not severe absence (under "
                        + Math.round(settings.severeAbsence() * 100) + "% of possible sessions missed): no change to report");
            }
            String messageId = messageId(child.upn(), "missing-education", start);
            Period period = new Period().setStartElement(new DateTimeType(start.toString()));
            return mapped("YearData", year.line(), messageId, update(messageId, child, "missing-education", start, period));
        } catch (Problem problem) {
            return refused("YearData", year.line(), problem);
        }
    }

    /** Sender, child (UPN), event and its date: a file sent again gives the same ids, which intake stores once. */
    String messageId(String upn, String event, LocalDate date) {
        return UUID.nameUUIDFromBytes(("ctf|" + settings.senderId() + "|" + upn + "|" + event + "|" + date)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private Bundle update(String messageId, Child child, String code, LocalDate date, Period period) {
        Ids ids = new Ids(messageId);
        Bundle bundle = new Bundle();
        bundle.setId(messageId);
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestampElement(new InstantType(Date.from(mappedAt)));
        Coding format = bundle.getMeta().addTag().setSystem(SOURCE_FORMAT_SYSTEM).setCode("dfe-ctf")
                .setDisplay("Mapped from a DfE Common Transfer File");
        if (school.ctfVersion() != null) {
            format.setVersion(school.ctfVersion());
        }
        MessageHeader header = new MessageHeader();
        header.setId(ids.id("MessageHeader"));
        header.setEvent(new Coding(EVENT_SYSTEM, EDUCATION_UPDATE, "Education update"));
        header.getSource().setName(settings.senderName()).setEndpoint(PARTNER_PREFIX + settings.senderId());
        header.addFocus(ids.ref("Observation"));
        bundle.addEntry().setFullUrl(ids.url("MessageHeader")).setResource(header);

        Patient patient = new Patient();
        patient.setId(ids.id("Patient"));
        patient.addIdentifier().setSystem(UPN_SYSTEM).setValue(child.upn());
        if (child.family() != null || child.given() != null) {
            var name = patient.addName().setFamily(child.family());
            if (child.given() != null) {
                name.addGiven(child.given());
            }
        }
        if (child.gender() != null) {
            patient.setGender(child.gender());
        }
        if (child.birthDate() != null) {
            patient.setBirthDateElement(new DateType(child.birthDate().toString()));
        }
        Organization authority = new Organization();
        authority.setId(ids.id("Organization/responsible"));
        authority.addIdentifier().setSystem(LOCAL_AUTHORITY_SYSTEM).setValue(child.area());
        EpisodeOfCare episode = new EpisodeOfCare();
        episode.setId(ids.id("EpisodeOfCare"));
        episode.setStatus(EpisodeOfCare.EpisodeOfCareStatus.ACTIVE);
        episode.addType().setText("Looked-after child");
        episode.setPatient(ids.ref("Patient"));
        episode.setManagingOrganization(ids.ref("Organization/responsible"));
        Organization source = new Organization();
        source.setId(ids.id("Organization/school"));
        if (school.urn() != null) {
            source.addIdentifier().setSystem(SCHOOL_URN_SYSTEM).setValue(school.urn());
        }
        if (school.lea() != null && school.estab() != null) {
            source.addIdentifier().setSystem(DFE_ESTABLISHMENT_SYSTEM).setValue(school.lea() + school.estab());
        }
        source.setName(school.name());
        Observation observation = new Observation();
        observation.setId(ids.id("Observation"));
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding(EDUCATION_EVENT_SYSTEM, code, DISPLAY.get(code))));
        observation.setSubject(ids.ref("Patient"));
        observation.addPerformer(ids.ref("Organization/school"));
        if (period != null) {
            observation.setEffective(period);
        } else {
            observation.setEffective(new DateTimeType(date.toString()));
        }
        add(bundle, ids, "Patient", patient);
        add(bundle, ids, "Organization/responsible", authority);
        add(bundle, ids, "EpisodeOfCare", episode);
        add(bundle, ids, "Organization/school", source);
        add(bundle, ids, "Observation", observation);
        return bundle;
    }

    private static LocalDate date(CtfReader.Element parent, String element, boolean required) throws Problem {
        String value = parent.value(element);
        if (value == null) {
            if (required) {
                throw new Problem(element, element + " is required but blank");
            }
            return null;
        }
        Matcher matcher = DATE.matcher(value);
        if (!matcher.matches()) {
            throw new Problem(element, element + " is not a date in the form YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(matcher.group(1));
        } catch (DateTimeParseException e) {
            throw new Problem(element, element + " is not a real calendar date (YYYY-MM-DD)");
        }
    }

    /** A whole number of sessions; exports write 12 as {@code 12.0}; blank is 0 unless required. */
    private static int whole(CtfReader.Element parent, String element, boolean required) throws Problem {
        String value = parent.value(element);
        if (value == null) {
            if (required) {
                throw new Problem(element, element + " is required but blank");
            }
            return 0;
        }
        Matcher matcher = WHOLE.matcher(value);
        if (!matcher.matches()) {
            throw new Problem(element, element + " is not a whole number of sessions");
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** DfE UPN guidance: characters 2 to 13, weighted 2 to 13, summed modulo 23, give the check letter. */
    static boolean checkLetterMatches(String upn) {
        int sum = 0;
        for (int i = 1; i < 13; i++) {
            char c = upn.charAt(i);
            int value = Character.isDigit(c) ? c - '0' : CHECK_LETTERS.indexOf(c);
            sum += value * (i + 1);
        }
        return CHECK_LETTERS.charAt(sum % 23) == upn.charAt(0);
    }

    private static RowOutcome mapped(String table, long line, String messageId, Bundle bundle) {
        return new RowOutcome(table, line, RowOutcome.Status.MAPPED, null, null, EDUCATION_UPDATE, messageId, bundle);
    }

    private static RowOutcome skipped(String table, long line, String why) {
        return new RowOutcome(table, line, RowOutcome.Status.SKIPPED, null, why, null, null, null);
    }

    private static RowOutcome refused(String table, long line, Problem problem) {
        return new RowOutcome(table, line, RowOutcome.Status.REFUSED, problem.element, problem.getMessage(), null, null, null);
    }

    private static void add(Bundle bundle, Ids ids, String what, Resource resource) {
        bundle.addEntry().setFullUrl(ids.url(what)).setResource(resource);
    }

    /** Resource ids derived from the message id, so the same pupil always gives the same message. */
    private record Ids(String messageId) {
        String id(String what) {
            return UUID.nameUUIDFromBytes((messageId + "|" + what).getBytes(StandardCharsets.UTF_8)).toString();
        }

        String url(String what) {
            return "urn:uuid:" + id(what);
        }

        Reference ref(String what) {
            return new Reference(url(what));
        }
    }
}
