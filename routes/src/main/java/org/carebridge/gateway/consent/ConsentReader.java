package org.carebridge.gateway.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.fhir.FhirJsonBody;
import org.carebridge.gateway.fhir.ParserProblems;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.Consent.provisionActorComponent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a FHIR Consent into the terms the registry records. Anything the decision could not honour is refused rather
 * than ignored: ignoring a narrower consent (a purpose in an unknown system, a data restriction) would widen it.
 */
@Component
public class ConsentReader {

    public static final String PARTNER_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/partner";
    public static final String AGENCY_KIND_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/agency-kind";
    public static final String PURPOSE_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/sharing-purpose";

    /** Who may give or refuse consent: the young person, or someone with parental responsibility for them. */
    static final List<String> PERFORMER_TYPES = List.of("Patient", "RelatedPerson", "Organization", "Practitioner", "PractitionerRole");

    // A date without a time means that day in England.
    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private final FhirContext fhir;
    private final PartnerRegistry partners;
    private final int maxDepth;

    public ConsentReader(FhirContext fhir, PartnerRegistry partners, CarebridgeProperties properties) {
        this.fhir = fhir;
        this.partners = partners;
        this.maxDepth = properties.intake().maxJsonDepth();
    }

    /** Content type, JSON nesting and syntax, then a strict FHIR parse: the body must be a Consent. */
    public Consent parse(String contentType, byte[] body) {
        try {
            FhirJsonBody.checkContentType(contentType);
            FhirJsonBody.checkJson(body, maxDepth);
        } catch (FhirJsonBody.Refused e) {
            throw new ConsentRejected(e.status(), e.issueType(), e.getMessage());
        }
        IBaseResource resource;
        try {
            resource = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler())
                    .parseResource(new String(body, StandardCharsets.UTF_8));
        } catch (DataFormatException e) {
            throw new ConsentRejected(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, ParserProblems.notFhir(e.getMessage()));
        } catch (RuntimeException e) {
            throw ConsentRejected.invalid(IssueType.STRUCTURE, FhirJsonBody.shapeRefusal());
        }
        if (!(resource instanceof Consent consent)) {
            throw ConsentRejected.invalid(IssueType.INVALID, "The body must be a FHIR Consent, not a " + resource.fhirType());
        }
        return consent;
    }

    /** The terms of a Consent, or a 422 saying what is missing or wrong. */
    public ConsentTerms terms(Consent consent) {
        ConsentState state = state(consent);
        if (!consent.hasScope()) {
            throw ConsentRejected.invalid(IssueType.REQUIRED, "Consent.scope is required");
        }
        if (consent.hasModifierExtension() || (consent.hasProvision() && consent.getProvision().hasModifierExtension())) {
            throw ConsentRejected.invalid(IssueType.NOTSUPPORTED, "The registry does not understand modifier extensions on a Consent");
        }
        SubjectIdentifier subject = subject(consent.getPatient());
        checkPerformers(consent.getPerformer());
        if (!consent.hasProvision()) {
            throw ConsentRejected.invalid(IssueType.REQUIRED,
                    "Consent.provision is required: to whom (actor), for what (purpose) and when (period)");
        }
        ProvisionComponent provision = consent.getProvision();
        checkProvisionShape(provision);
        Set<String> partnerIds = new HashSet<>();
        Set<AgencyKind> agencyKinds = new HashSet<>();
        readActors(provision.getActor(), partnerIds, agencyKinds);
        Set<String> purposes = purposes(provision.getPurpose());
        Instant start = null;
        Instant end = null;
        if (provision.hasPeriod()) {
            Period period = provision.getPeriod();
            start = period.hasStart() ? startOf(period.getStartElement(), "start") : null;
            end = period.hasEnd() ? endOf(period.getEndElement()) : null;
            checkPeriod(period);
        }
        return new ConsentTerms(subject, state, partnerIds, agencyKinds, purposes, start, end);
    }

    /** Refuses a provision period that ends before it starts. */
    void checkPeriod(Consent consent) {
        if (consent.hasProvision() && consent.getProvision().hasPeriod()) {
            checkPeriod(consent.getProvision().getPeriod());
        }
    }

    static ConsentState state(Consent consent) {
        Consent.ConsentState status = consent.hasStatus() ? consent.getStatus() : null;
        if (status == Consent.ConsentState.ACTIVE) {
            return ConsentState.GIVEN;
        }
        if (status == Consent.ConsentState.INACTIVE) {
            return ConsentState.WITHDRAWN;
        }
        if (status == Consent.ConsentState.REJECTED) {
            return ConsentState.REFUSED;
        }
        throw ConsentRejected.invalid(IssueType.CODEINVALID, "Consent.status must be 'active' (consent given) or 'rejected' "
                + "(consent refused), or 'inactive' when withdrawing a recorded consent, not '"
                + (status == null ? "absent" : status.toCode()) + "'");
    }

    private static SubjectIdentifier subject(Reference patient) {
        if (!patient.hasIdentifier()) {
            throw ConsentRejected.invalid(IssueType.REQUIRED,
                    "Consent.patient.identifier is required: the child or care leaver the consent is about, by identifier");
        }
        if (patient.hasReference()) {
            throw ConsentRejected.invalid(IssueType.INVALID,
                    "Consent.patient must be a logical reference (an identifier only), not a reference to a Patient resource");
        }
        Identifier identifier = patient.getIdentifier();
        String problem = SubjectIdentifier.problem(identifier.getSystem(), identifier.getValue());
        if (problem != null) {
            throw ConsentRejected.invalid(IssueType.VALUE, "Consent.patient.identifier: " + problem);
        }
        return new SubjectIdentifier(identifier.getSystem(), identifier.getValue());
    }

    private static void checkPerformers(List<Reference> performers) {
        if (performers.isEmpty()) {
            throw ConsentRejected.invalid(IssueType.REQUIRED, "Consent.performer is required: who gave or refused the consent, "
                    + "the young person (Patient) or someone with parental responsibility, e.g. the local authority as "
                    + "corporate parent (Organization)");
        }
        for (int i = 0; i < performers.size(); i++) {
            Reference performer = performers.get(i);
            String where = "Consent.performer[" + i + "]";
            if (!PERFORMER_TYPES.contains(performer.getType())) {
                throw ConsentRejected.invalid(IssueType.INVALID, where + ".type must be one of " + PERFORMER_TYPES);
            }
            if (performer.hasReference()) {
                throw ConsentRejected.invalid(IssueType.INVALID, where + " must be a logical reference (identifier or display)");
            }
            if (!performer.hasIdentifier() && !performer.hasDisplay()) {
                throw ConsentRejected.invalid(IssueType.REQUIRED, where + " needs an identifier or a display");
            }
            if ("Patient".equals(performer.getType()) && performer.hasIdentifier()) {
                String problem = SubjectIdentifier.problem(performer.getIdentifier().getSystem(), performer.getIdentifier().getValue());
                if (problem != null) {
                    throw ConsentRejected.invalid(IssueType.VALUE, where + ".identifier: " + problem);
                }
            }
        }
    }

    private static void checkProvisionShape(ProvisionComponent provision) {
        if (provision.hasType() && provision.getType() != ConsentProvisionType.PERMIT) {
            throw ConsentRejected.invalid(IssueType.NOTSUPPORTED,
                    "Consent.provision.type must be 'permit'; a refusal is recorded with Consent.status 'rejected'");
        }
        if (provision.hasProvision()) {
            throw ConsentRejected.invalid(IssueType.NOTSUPPORTED,
                    "Nested Consent.provision.provision is not supported: record each consent as its own Consent");
        }
        if (provision.hasClass_() || provision.hasCode() || provision.hasData() || provision.hasDataPeriod()
                || provision.hasSecurityLabel()) {
            throw ConsentRejected.invalid(IssueType.NOTSUPPORTED, "Consent.provision class, code, data, dataPeriod and "
                    + "securityLabel are not supported: the registry records recipients (actor), purposes and period only");
        }
    }

    private void readActors(List<provisionActorComponent> actors, Set<String> partnerIds, Set<AgencyKind> agencyKinds) {
        if (actors.isEmpty()) {
            throw ConsentRejected.invalid(IssueType.REQUIRED, "Consent.provision.actor is required: the recipients, by partner id "
                    + "(reference.identifier with system " + PARTNER_SYSTEM + ") or by agency kind (role coding with system "
                    + AGENCY_KIND_SYSTEM + ")");
        }
        for (int i = 0; i < actors.size(); i++) {
            provisionActorComponent actor = actors.get(i);
            String where = "Consent.provision.actor[" + i + "]";
            if (actor.hasModifierExtension()) {
                throw ConsentRejected.invalid(IssueType.NOTSUPPORTED, where + " has a modifier extension the registry does not understand");
            }
            String partnerId = partnerId(actor.getReference(), where);
            AgencyKind kind = agencyKind(actor.getRole().getCoding(), where);
            if (partnerId != null && kind != null) {
                throw ConsentRejected.invalid(IssueType.INVALID, where + " names both a partner and an agency kind; "
                        + "use one actor for each");
            }
            if (partnerId == null && kind == null) {
                throw ConsentRejected.invalid(IssueType.REQUIRED, where + " names no recipient: give reference.identifier with "
                        + "system " + PARTNER_SYSTEM + " and a partner id, or a role coding with system " + AGENCY_KIND_SYSTEM);
            }
            if (partnerId != null) {
                partnerIds.add(partnerId);
            } else {
                agencyKinds.add(kind);
            }
        }
    }

    private String partnerId(Reference reference, String where) {
        if (reference.hasReference()) {
            throw ConsentRejected.invalid(IssueType.INVALID, where + ".reference must be a logical reference (identifier), "
                    + "not a reference to a resource");
        }
        if (!reference.hasIdentifier()) {
            return null;
        }
        Identifier identifier = reference.getIdentifier();
        if (!PARTNER_SYSTEM.equals(identifier.getSystem())) {
            throw ConsentRejected.invalid(IssueType.CODEINVALID, where + ".reference.identifier.system must be " + PARTNER_SYSTEM);
        }
        String id = identifier.getValue();
        if (id == null || id.isBlank()) {
            throw ConsentRejected.invalid(IssueType.REQUIRED, where + ".reference.identifier.value must be a partner id");
        }
        if (partners.byId(id).isEmpty()) {
            throw ConsentRejected.invalid(IssueType.CODEINVALID, where + ": '" + id + "' is not a registered partner");
        }
        return id;
    }

    private static AgencyKind agencyKind(List<Coding> roles, String where) {
        List<Coding> kinds = roles.stream().filter(c -> AGENCY_KIND_SYSTEM.equals(c.getSystem())).toList();
        if (kinds.isEmpty()) {
            return null;
        }
        if (kinds.size() > 1) {
            throw ConsentRejected.invalid(IssueType.INVALID, where + ".role names more than one agency kind; use one actor for each");
        }
        String code = kinds.get(0).getCode();
        return AgencyKind.fromCode(code).orElseThrow(() -> ConsentRejected.invalid(IssueType.CODEINVALID,
                where + ".role: '" + code + "' is not an agency kind; known kinds are " + AgencyKind.codes()));
    }

    private static Set<String> purposes(List<Coding> codings) {
        Set<String> purposes = new HashSet<>();
        for (int i = 0; i < codings.size(); i++) {
            Coding purpose = codings.get(i);
            String where = "Consent.provision.purpose[" + i + "]";
            if (!PURPOSE_SYSTEM.equals(purpose.getSystem())) {
                throw ConsentRejected.invalid(IssueType.CODEINVALID, where + ".system must be " + PURPOSE_SYSTEM);
            }
            if (!purpose.hasCode()) {
                throw ConsentRejected.invalid(IssueType.REQUIRED, where + ".code is required");
            }
            purposes.add(purpose.getCode());
        }
        return purposes;
    }

    private static void checkPeriod(Period period) {
        if (period.hasStart() && period.hasEnd()
                && startOf(period.getEndElement(), "end").isBefore(startOf(period.getStartElement(), "start"))) {
            throw ConsentRejected.invalid(IssueType.BUSINESSRULE, "Consent.provision.period ends before it starts");
        }
    }

    /** The first instant a dateTime covers: a date means from the start of that day (month, year) in England. */
    private static Instant startOf(BaseDateTimeType value, String which) {
        return switch (value.getPrecision()) {
            case YEAR -> LocalDate.of(value.getYear(), 1, 1).atStartOfDay(ENGLAND).toInstant();
            case MONTH -> LocalDate.of(value.getYear(), value.getMonth() + 1, 1).atStartOfDay(ENGLAND).toInstant();
            case DAY -> LocalDate.of(value.getYear(), value.getMonth() + 1, value.getDay()).atStartOfDay(ENGLAND).toInstant();
            default -> {
                if (value.getTimeZone() == null && !value.isTimeZoneZulu()) {
                    throw ConsentRejected.invalid(IssueType.VALUE, "Consent.provision.period." + which
                            + " has a time but no time zone");
                }
                yield value.getValue().toInstant();
            }
        };
    }

    /** The first instant after the period: FHIR's end includes all of its last day (second, millisecond). */
    private static Instant endOf(BaseDateTimeType value) {
        Instant start = startOf(value, "end");
        return switch (value.getPrecision()) {
            case YEAR -> start.atZone(ENGLAND).plusYears(1).toInstant();
            case MONTH -> start.atZone(ENGLAND).plusMonths(1).toInstant();
            case DAY -> start.atZone(ENGLAND).plusDays(1).toInstant();
            case MINUTE -> start.plus(Duration.ofMinutes(1));
            case SECOND -> start.plusSeconds(1);
            case MILLI -> start.plusMillis(1);
        };
    }
}
