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
        bundle.setTotal(events.size());
        for (IgQueries.LedgerEvent event : events) {
            Set<SubjectIdentifier> patients = new LinkedHashSet<>();
            if (subject != null) {
                patients.add(subject);
            }
            patients.addAll(identified.getOrDefault(event.trackingId(), List.of()));
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
        boolean deny = "DENIED".equals(event.kind());
        if (disclosure) {
            audit.getMeta().addProfile(BALP_DISCLOSURE);
            audit.setType(new Coding(DCM, "110106", "Export"));
            audit.setAction(AuditEventAction.R);
        } else {
            audit.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation"));
            audit.setAction(AuditEventAction.E);
        }
        audit.addSubtype(new Coding(AUDIT_KIND_SYSTEM, event.kind(), display(event.kind())));
        audit.setOutcome(deny ? AuditEventOutcome._4 : AuditEventOutcome._0);
        audit.setOutcomeDesc(disclosure ? "delivered to " + event.recipient()
                : event.outcome() + (event.reason() == null ? "" : ": " + event.reason()));
        String purpose = purposeOf(event.agreementId(), event.agreementVersion(), event.ruleId());
        if (purpose != null) {
            audit.addPurposeOfEvent(new CodeableConcept(new Coding(ConsentReader.PURPOSE_SYSTEM, purpose, null)));
        }

        // who: the gateway (the actor recorded), the sender whose record it is, the recipient
        audit.addAgent().setType(new CodeableConcept(new Coding(DCM, "110150", "Application")))
                .setWho(new Reference().setIdentifier(new Identifier().setSystem(GATEWAY_SYSTEM).setValue(
                        event.actor() == null ? "carebridge" : event.actor())))
                .setRequestor(false);
        if (event.sender() != null) {
            audit.addAgent().setType(new CodeableConcept(new Coding(DCM, "110153", "Source Role ID")))
                    .setWho(partner(event.sender())).setRequestor(true);
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
            default -> kind;
        };
    }
}
