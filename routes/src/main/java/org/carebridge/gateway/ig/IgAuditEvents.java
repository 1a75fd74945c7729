package org.carebridge.gateway.ig;

import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.gateway.consent.ConsentReader;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.SharingRule;
import org.carebridge.security.consent.SubjectIdentifier;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Ledger entries as FHIR R4 AuditEvents shaped after IHE Basic Audit Log Patterns (BALP): a disclosure as a
 * PrivacyDisclosure (DICOM 110106 Export) from the gateway to the recipient; a decision as an authorisation decision
 * (outcome 0 for a permit, 4 for a deny). Nothing from the record itself appears, only metadata.
 */
@Component
class IgAuditEvents {

    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String AUDIT_KIND_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/audit-kind";
    static final String AGREEMENT_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/agreement";
    static final String GATEWAY_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/gateway";
    static final String IG_USER_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/ig-user";
    static final String IG_ROLE_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/ig-role";
    static final String BALP_DISCLOSURE = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PrivacyDisclosure.Source";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";

    private final AgreementRegistry agreements;

    IgAuditEvents(AgreementRegistry agreements) {
        this.agreements = agreements;
    }

    /**
     * @param subject    the identifier searched for, or null
     * @param identified for an ig-officer, the decrypted identifiers of each record's subjects by tracking id; else empty
     */
    Bundle searchset(List<IgQueries.LedgerEvent> events, SubjectIdentifier subject, Map<String, List<SubjectIdentifier>> identified) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setTimestamp(new Date());
        for (IgQueries.LedgerEvent event : events) {
            Set<SubjectIdentifier> patients = new LinkedHashSet<>();
            if (subject != null) {
                patients.add(subject);
            }
            if (event.trackingId() != null) {
                patients.addAll(identified.getOrDefault(event.trackingId(), List.of()));
            }
            AuditEvent resource = toAuditEvent(event, patients);
            bundle.addEntry().setFullUrl("AuditEvent/" + resource.getIdElement().getIdPart()).setResource(resource)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    AuditEvent toAuditEvent(IgQueries.LedgerEvent event, Collection<SubjectIdentifier> patients) {
        AuditEvent audit = new AuditEvent();
        audit.setId("ledger-" + event.seq());
        audit.setRecorded(Date.from(event.time()));
        audit.getRecordedElement().setPrecision(ca.uhn.fhir.model.api.TemporalPrecisionEnum.MILLI);
        boolean disclosure = "DISCLOSED".equals(event.kind());
        if (disclosure) {
            audit.getMeta().addProfile(BALP_DISCLOSURE);
            audit.setType(new Coding(DCM, "110106", "Export"));
            audit.setAction(AuditEventAction.R);
        } else {
            audit.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation"));
            audit.setAction(AuditEventAction.E);
        }
        audit.addSubtype(new Coding(AUDIT_KIND_SYSTEM, event.kind(), display(event.kind())));
        audit.setOutcome(outcomeOf(event.kind()));
        audit.setOutcomeDesc(disclosure ? "delivered to " + event.recipient()
                : (event.outcome() == null ? "" : event.outcome()) + (event.reason() == null ? "" : ": " + event.reason()));
        String purpose = purposeOf(event.agreementId(), event.agreementVersion(), event.ruleId());
        if (purpose != null) {
            audit.addPurposeOfEvent(new CodeableConcept(new Coding(ConsentReader.PURPOSE_SYSTEM, purpose, null)));
        }

        // who: the actor recorded (the gateway, an IG user or a partner), the sender whose record it is, the recipient
        if (event.actorRole() != null && Set.of("ig-officer", "auditor", "unknown").contains(event.actorRole()) && event.actor() != null) {
            audit.addAgent().setType(new CodeableConcept(new Coding(DCM, "110153", "Source Role ID")))
                    .setWho(new Reference().setIdentifier(new Identifier().setSystem(IG_USER_SYSTEM).setValue(event.actor())))
                    .addRole(new CodeableConcept(new Coding(IG_ROLE_SYSTEM, event.actorRole(), null))).setRequestor(true);
        } else if ("partner".equals(event.actorRole()) && event.actor() != null && !event.actor().equals(event.sender())) {
            audit.addAgent().setType(new CodeableConcept(new Coding(DCM, "110153", "Source Role ID")))
                    .setWho(partner(event.actor())).setRequestor(true);
        } else {
            audit.addAgent().setType(new CodeableConcept(new Coding(DCM, "110150", "Application")))
                    .setWho(new Reference().setIdentifier(new Identifier().setSystem(GATEWAY_SYSTEM).setValue(
                            event.actor() == null || "partner".equals(event.actorRole()) ? "carebridge" : event.actor())))
                    .setRequestor(false);
        }
        if (event.sender() != null) {
            audit.addAgent().setType(new CodeableConcept(new Coding(DCM, "110153", "Source Role ID")))
                    .setWho(partner(event.sender())).setRequestor(true);
        }
        String claimed = claimedSource(event);
        if (claimed != null) {
            // a refused message: the partner it claimed to come from (its certificate's partner is the actor)
            audit.addAgent().setType(new CodeableConcept(new Coding(DCM, "110153", "Source Role ID")))
                    .setWho(partner(claimed)).setRequestor(false).setName("claimed source");
        }
        if (event.recipient() != null) {
            audit.addAgent().setType(new CodeableConcept(new Coding(DCM, "110152", "Destination Role ID")))
                    .setWho(partner(event.recipient())).setRequestor(false);
        }
        audit.getSource().setSite("carebridge").setObserver(new Reference().setIdentifier(
                new Identifier().setSystem(GATEWAY_SYSTEM).setValue("carebridge")))
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));

        // what: the record (its tracking id), the agreement, and the patient(s): the one searched for, or decrypted for an ig-officer
        if (event.trackingId() != null) {
            audit.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem("urn:ietf:rfc:3986")
                            .setValue("urn:uuid:" + event.trackingId())))
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
        }
        if (event.agreementId() != null) {
            audit.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem(AGREEMENT_SYSTEM)
                            .setValue(event.agreementId())).setDisplay(event.agreementId()
                            + (event.agreementVersion() == null ? "" : " version " + event.agreementVersion())))
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "13", "Security Resource"))
                    .setDescription(event.lawfulBasis());
        }
        for (SubjectIdentifier subject : patients) {
            audit.addEntity().setWhat(new Reference().setType("Patient").setIdentifier(
                            new Identifier().setSystem(subject.system()).setValue(subject.value())))
                    .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                    .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
        }
        return audit;
    }

    /** What each ledger kind's AuditEvent outcome is: refusals and failed attempts 4, a dead letter 8, all else 0. */
    static AuditEventOutcome outcomeOf(String kind) {
        return switch (kind) {
            case "DENIED", "REFUSED", "FAILED" -> AuditEventOutcome._4;
            case "DEAD_LETTERED" -> AuditEventOutcome._8;
            default -> AuditEventOutcome._0;
        };
    }

    /** The partner a refused message claimed to be from, as the refusal recorded it. */
    static String claimedSource(IgQueries.LedgerEvent event) {
        if (!"REFUSED".equals(event.kind()) || event.reason() == null) {
            return null;
        }
        int at = event.reason().indexOf(IgQueries.CLAIMED_SOURCE);
        return at < 0 ? null : event.reason().substring(at + IgQueries.CLAIMED_SOURCE.length());
    }

    private static Reference partner(String partnerId) {
        return new Reference().setIdentifier(new Identifier().setSystem(ConsentReader.PARTNER_SYSTEM).setValue(partnerId))
                .setDisplay(partnerId);
    }

    private String purposeOf(String agreementId, Integer version, String ruleId) {
        if (agreementId == null || ruleId == null) {
            return null;
        }
        for (Agreement agreement : agreements.current().agreements()) {
            if (agreement.id().equals(agreementId) && Objects.equals(agreement.version(), version)) {
                return agreement.rules().stream().filter(r -> ruleId.equals(r.id())).map(SharingRule::purpose)
                        .filter(Objects::nonNull).findFirst().orElse(null);
            }
        }
        return null;
    }

    private static String display(String kind) {
        return switch (kind) {
            case "DECIDED" -> "Permit";
            case "DENIED" -> "Deny";
            case "OVERRIDDEN" -> "Permit on safeguarding override";
            case "DISCLOSED" -> "Disclosed";
            case "ERASED" -> "Erased at the end of retention";
            case "RECEIVED" -> "Received";
            case "REFUSED" -> "Refused";
            case "OVERRIDE_REVIEWED" -> "Override reviewed";
            case "FAILED" -> "Delivery attempt failed";
            case "DEAD_LETTERED" -> "Dead-lettered";
            case "CONSENT_CHANGED" -> "Consent recorded or changed";
            case "CONFIG_CHANGED" -> "Configuration changed";
            case "AUDIT_READ" -> "Audit ledger read";
            case "CLOCK_WARNING" -> "Clock near its deadline";
            case "CLOCK_BREACHED" -> "Clock breached";
            case "CLOCK_STOPPED" -> "Clock stopped";
            case "MAILBOX_DEPOSITED" -> "Deposited in a partner's mailbox";
            case "MAILBOX_LISTED" -> "Mailbox listed";
            case "MAILBOX_DOWNLOADED" -> "Downloaded from a mailbox";
            case "MAILBOX_ACKNOWLEDGED" -> "Acknowledged from a mailbox";
            case "MAILBOX_EXPIRED" -> "Expired in a mailbox";
            default -> kind;
        };
    }
}
