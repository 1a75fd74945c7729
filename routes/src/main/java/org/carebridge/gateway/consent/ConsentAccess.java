package org.carebridge.gateway.consent;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Which consents a partner may see and change. A partner sees a consent it recorded, or one that names it as a
 * recipient; to any other partner the consent does not exist. Only the recording organisation may change (withdraw) a
 * consent; another organisation that sees it may record a withdrawal on the child's behalf only when
 * {@code carebridge.consent.withdrawal-on-behalf} allows it. Every refusal is a REFUSED ledger entry naming the partner,
 * the operation and the consent id, never the subject.
 */
@Component
public class ConsentAccess {

    private static final Logger log = LoggerFactory.getLogger(ConsentAccess.class);

    private final AuditTrail audit;
    private final boolean withdrawalOnBehalf;

    public ConsentAccess(AuditTrail audit, @Value("${carebridge.consent.withdrawal-on-behalf:false}") boolean withdrawalOnBehalf) {
        this.audit = audit;
        this.withdrawalOnBehalf = withdrawalOnBehalf;
    }

    /** Refuses (and audits) a partner without the consent-writer role. */
    public void requireWriter(Partner caller, String operation) {
        if (!caller.hasRole(Partner.CONSENT_WRITER)) {
            audit.record(AuditFact.of(AuditKind.REFUSED, caller.id(), "partner")
                    .outcome("403", "consent-" + operation + ": not a " + Partner.CONSENT_WRITER));
            throw new ConsentRejected(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN,
                    "Only partners with the role '" + Partner.CONSENT_WRITER + "' may " + operation + " consent");
        }
    }

    public static boolean mayRead(Partner caller, StoredConsent consent) {
        return caller.id().equals(consent.recorder()) || consent.record().partnerIds().contains(caller.id());
    }

    /** The consent, if the caller may read it; else the refusal is audited and the caller is told it does not exist. */
    public StoredConsent readable(Partner caller, StoredConsent consent, String operation) {
        if (!mayRead(caller, consent)) {
            throw refused(caller, operation, consent, HttpStatus.NOT_FOUND, "not-recorder-or-recipient",
                    new ConsentRejected(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No consent has this id"));
        }
        return consent;
    }

    /** Those of {@code found} the caller may read; a search that withheld some is audited, with their number only. */
    public List<StoredConsent> searchable(Partner caller, List<StoredConsent> found) {
        List<StoredConsent> visible = found.stream().filter(c -> mayRead(caller, c)).toList();
        int withheld = found.size() - visible.size();
        if (withheld > 0) {
            audit.record(AuditFact.of(AuditKind.REFUSED, caller.id(), "partner")
                    .outcome("filtered", "consent-search: " + withheld + " consent(s) withheld, not recorder or recipient"));
            log.info("Consent search by {}: {} consent(s) withheld", caller.id(), withheld);
        }
        return visible;
    }

    /**
     * Whether the caller may withdraw the consent: it must see it, and be its recorder unless withdrawal on behalf is
     * allowed. @return true when the withdrawal is recorded on the child's behalf by an organisation other than the recorder
     */
    public boolean mayWithdraw(Partner caller, StoredConsent consent) {
        readable(caller, consent, "update");
        if (caller.id().equals(consent.recorder())) {
            return false;
        }
        if (!withdrawalOnBehalf) {
            throw refused(caller, "update", consent, HttpStatus.FORBIDDEN, "not-recorder",
                    new ConsentRejected(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, "Only the organisation that recorded this "
                            + "consent (" + consent.recorder() + ") may change or withdraw it"));
        }
        return true;
    }

    private ConsentRejected refused(Partner caller, String operation, StoredConsent consent, HttpStatus status, String reason,
                                    ConsentRejected rejected) {
        audit.record(AuditFact.of(AuditKind.REFUSED, caller.id(), "partner")
                .outcome(Integer.toString(status.value()), "consent-" + operation + ": " + reason + " Consent/" + consent.record().id()));
        return rejected;
    }
}
