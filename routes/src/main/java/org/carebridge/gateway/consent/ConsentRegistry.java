package org.carebridge.gateway.consent;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.SubjectKeys;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Records consents and their withdrawal. A recorded consent is never edited: the one change allowed is withdrawal
 * (status active to inactive, optionally ending the period), as a new version; anything else is a new Consent. Who may
 * read and withdraw which consent is {@link ConsentAccess}'s to say.
 */
@Component
public class ConsentRegistry {

    private final AuditTrail audit;
    private final SubjectKeys subjectKeys;

    private static final Logger log = LoggerFactory.getLogger(ConsentRegistry.class);

    private final ConsentReader reader;
    private final ConsentAccess access;
    private final ConsentStore store;
    private final FhirContext fhir;
    private final ObjectMapper json = new ObjectMapper();

    public ConsentRegistry(ConsentReader reader, ConsentStore store, FhirContext fhir, AuditTrail audit, SubjectKeys subjectKeys,
                           ConsentAccess access) {
        this.access = access;
        this.reader = reader;
        this.store = store;
        this.fhir = fhir;
        this.audit = audit;
        this.subjectKeys = subjectKeys;
    }

    private void audited(ConsentRecord record, Partner recorder, String onBehalfOf) {
        audit.record(AuditFact.of(AuditKind.CONSENT_CHANGED, recorder.id(), "partner")
                .outcome(record.state().name(), onBehalfOf == null ? record.reference()
                        : record.reference() + " withdrawn on the child's behalf by " + recorder.id() + ", recorded by " + onBehalfOf)
                .subjects(subjectKeys.keep(List.of(record.subject()))));
    }

    public StoredConsent record(Consent consent, Partner recorder) {
        ConsentTerms terms = reader.terms(consent);
        if (terms.state() == ConsentState.WITHDRAWN) {
            throw ConsentRejected.invalid(IssueType.BUSINESSRULE, "A new Consent cannot be 'inactive': a consent is withdrawn "
                    + "by updating (PUT) the recorded one to status 'inactive'");
        }
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (!consent.hasDateTime()) {
            consent.setDateTimeElement(new DateTimeType(Date.from(now), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("UTC")));
        }
        stamp(consent, id, 1, now);
        StoredConsent stored = store.create(terms.toRecord(id, 1, now, recorder.id()), encode(consent));
        audited(stored.record(), recorder, null);
        log.info("Consent {} recorded by {} ({})", id, recorder.id(), terms.state());
        return stored;
    }

    /**
     * Withdraws consent {@code id}: {@code proposed} must be the current version with status 'inactive' and, at most, a
     * new period end. The same withdrawal sent again returns the withdrawn version unchanged.
     */
    public StoredConsent withdraw(String id, Consent proposed, Integer expectedVersion, Partner recorder) {
        StoredConsent current = store.read(id).orElseThrow(ConsentRegistry::notFound);
        boolean onBehalf = access.mayWithdraw(recorder, current);
        ConsentRecord currentRecord = current.record();
        if (expectedVersion != null && expectedVersion != currentRecord.version()) {
            throw new ConsentRejected(HttpStatus.PRECONDITION_FAILED, IssueType.CONFLICT, "If-Match names version "
                    + expectedVersion + " but the current version is " + currentRecord.version());
        }
        if (!proposed.hasIdElement() || !id.equals(proposed.getIdElement().getIdPart())) {
            throw new ConsentRejected(HttpStatus.BAD_REQUEST, IssueType.INVALID, "Consent.id must be '" + id + "', the id in the URL");
        }
        Consent recorded = fhir.newJsonParser().parseResource(Consent.class, current.resource());
        List<String> changed = changedOtherThanWithdrawal(recorded, proposed);
        if (!changed.isEmpty()) {
            throw ConsentRejected.invalid(IssueType.BUSINESSRULE, "Only withdrawal may change a recorded consent (status 'active' "
                    + "to 'inactive', optionally with Consent.provision.period.end); this update also changes " + changed
                    + ". Record a new Consent instead.");
        }
        ConsentState proposedState = ConsentReader.state(proposed);
        reader.checkPeriod(proposed);
        if (currentRecord.state() == ConsentState.WITHDRAWN && proposedState == ConsentState.WITHDRAWN
                && sameEnd(recorded, proposed)) {
            return current;
        }
        if (currentRecord.state() != ConsentState.GIVEN) {
            throw ConsentRejected.invalid(IssueType.BUSINESSRULE, "Only a consent with status 'active' can be withdrawn; this one is '"
                    + recorded.getStatus().toCode() + "'");
        }
        if (proposedState != ConsentState.WITHDRAWN) {
            throw ConsentRejected.invalid(IssueType.BUSINESSRULE, "The only change allowed is withdrawal: Consent.status must "
                    + "become 'inactive'");
        }
        int version = currentRecord.version() + 1;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // The withdrawal keeps the period the consent covered, even when the resource now ends it, so that it governs
        // every decision the consent would have governed rather than letting an older consent speak again.
        ConsentRecord next = new ConsentRecord(id, version, currentRecord.subject(), ConsentState.WITHDRAWN,
                currentRecord.partnerIds(), currentRecord.agencyKinds(), currentRecord.purposes(), currentRecord.periodStart(),
                currentRecord.periodEnd(), now, recorder.id());
        stamp(proposed, id, version, now);
        String resource = encode(proposed);
        if (!store.update(next, resource)) {
            throw new ConsentRejected(HttpStatus.CONFLICT, IssueType.CONFLICT,
                    "The consent was changed by another request meanwhile; read it again");
        }
        audited(next, recorder, onBehalf ? current.recorder() : null);
        log.info("Consent {} withdrawn by {} (version {}){}", id, recorder.id(), version,
                onBehalf ? ", on the child's behalf; recorded by " + current.recorder() : "");
        return new StoredConsent(next, resource, current.recorder());
    }

    /** The current version, if the caller may read it. */
    public StoredConsent read(String id, Partner caller) {
        return access.readable(caller, store.read(id).orElseThrow(ConsentRegistry::notFound), "read");
    }

    public StoredConsent read(String id, int version, Partner caller) {
        return access.readable(caller, store.read(id, version).orElseThrow(() -> new ConsentRejected(HttpStatus.NOT_FOUND,
                IssueType.NOTFOUND, "No consent has this id and version")), "read");
    }

    /** The current version of every consent for this subject that the caller may read. */
    public List<StoredConsent> search(SubjectIdentifier subject, Partner caller) {
        return access.searchable(caller, store.search(subject));
    }

    public Consent parse(String resource) {
        return fhir.newJsonParser().parseResource(Consent.class, resource);
    }

    private static ConsentRejected notFound() {
        return new ConsentRejected(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No consent has this id");
    }

    private static void stamp(Consent consent, String id, int version, Instant at) {
        consent.setId(id);
        consent.getMeta().setVersionId(Integer.toString(version)).setLastUpdated(Date.from(at));
    }

    private String encode(Consent consent) {
        return fhir.newJsonParser().encodeResourceToString(consent);
    }

    /** Names (never values) of the elements that differ, other than the ones a withdrawal may change. */
    private List<String> changedOtherThanWithdrawal(Consent recorded, Consent proposed) {
        TreeSet<String> changed = new TreeSet<>();
        diff("Consent", tree(withoutWithdrawalElements(recorded)), tree(withoutWithdrawalElements(proposed)), 0, changed);
        return List.copyOf(changed);
    }

    private static Consent withoutWithdrawalElements(Consent consent) {
        Consent copy = consent.copy();
        copy.setIdElement(null);
        copy.getMeta().setVersionIdElement(null).setLastUpdatedElement(null);
        if (copy.getMeta().isEmpty()) {
            copy.setMeta(null);
        }
        copy.setStatusElement(null);
        if (copy.hasProvision() && copy.getProvision().hasPeriod()) {
            copy.getProvision().getPeriod().setEndElement(null);
            if (copy.getProvision().getPeriod().isEmpty()) {
                copy.getProvision().setPeriod(null);
            }
        }
        return copy;
    }

    private static boolean sameEnd(Consent recorded, Consent proposed) {
        return Optional.ofNullable(periodEndText(recorded)).equals(Optional.ofNullable(periodEndText(proposed)));
    }

    private static String periodEndText(Consent consent) {
        return consent.hasProvision() && consent.getProvision().hasPeriod() && consent.getProvision().getPeriod().hasEnd()
                ? consent.getProvision().getPeriod().getEndElement().getValueAsString() : null;
    }

    private JsonNode tree(Consent consent) {
        try {
            return json.readTree(encode(consent));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void diff(String path, JsonNode recorded, JsonNode proposed, int depth, TreeSet<String> changed) {
        if (recorded != null && recorded.equals(proposed)) {
            return;
        }
        if (depth < 2 && recorded != null && proposed != null && recorded.isObject() && proposed.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            recorded.fieldNames().forEachRemaining(names::add);
            proposed.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                diff(path + "." + name, recorded.get(name), proposed.get(name), depth + 1, changed);
            }
            return;
        }
        changed.add(path);
    }
}
