package org.carebridge.gateway.admin;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.delivery.PartnerDeliveryControl;
import org.carebridge.gateway.partner.PartnerSuspensions;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Administrators' changes to partners, live: suspending stops the partner's delivery route (its copies wait on its
 * queue) and refuses intake from it; resuming starts the route again. Each change is a CONFIG_CHANGED ledger entry
 * with who, the partner, and the state before and after.
 */
@Component
public class PartnerAdministration {

    private static final Logger log = LoggerFactory.getLogger(PartnerAdministration.class);

    public enum Change { CHANGED, UNCHANGED }

    /** A partner as the console shows it. */
    public record PartnerView(Partner partner, boolean suspended, Instant suspendedSince, String suspendedBy, String suspensionReason,
                              boolean delivering, DeliveryOverview.Backlog backlog) {
    }

    private final PartnerRegistry registry;
    private final PartnerSuspensions suspensions;
    private final PartnerDeliveryControl control;
    private final ConsoleActions actions;
    private final AuditTrail audit;
    private final TransactionTemplate transaction;
    private final DeliveryOverview overview;

    public PartnerAdministration(PartnerRegistry registry, PartnerSuspensions suspensions, PartnerDeliveryControl control,
                                 ConsoleActions actions, AuditTrail audit, TransactionTemplate transaction, DeliveryOverview overview) {
        this.registry = registry;
        this.suspensions = suspensions;
        this.control = control;
        this.actions = actions;
        this.audit = audit;
        this.transaction = transaction;
        this.overview = overview;
    }

    public List<PartnerView> partners() {
        var backlog = overview.backlogByPartner();
        return registry.all().stream().sorted(Comparator.comparing(Partner::id))
                .map(p -> view(p, backlog.getOrDefault(p.id(), DeliveryOverview.Backlog.EMPTY), false)).toList();
    }

    public PartnerView partner(String partnerId) {
        Partner partner = known(partnerId);
        return view(partner, overview.backlog(partnerId), true);
    }

    public Change suspend(String partnerId, Actor actor, String reason) {
        Partner partner = known(partnerId);
        String why = Reasons.check(reason);
        Boolean changed = transaction.execute(tx -> {
            if (suspensions.isSuspended(partner.id())) {
                return false;
            }
            UUID action = actions.record(ConsoleActions.Kind.SUSPEND, actor, "partner=" + partner.id(), why);
            if (!suspensions.suspend(partner.id(), actor.name(), action)) {
                tx.setRollbackOnly();
                return false;
            }
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).recipient(partner.id())
                    .outcome("partner-suspended", "partner=" + partner.id() + " before=active after=suspended action=" + action));
            return true;
        });
        if (!Boolean.TRUE.equals(changed)) {
            return Change.UNCHANGED;
        }
        control.pause(partner.id());
        log.info("{} ({}) suspended partner {}", actor.name(), actor.role(), partner.id());
        return Change.CHANGED;
    }

    public Change resume(String partnerId, Actor actor, String reason) {
        Partner partner = known(partnerId);
        String why = Reasons.check(reason);
        Boolean changed = transaction.execute(tx -> {
            if (!suspensions.isSuspended(partner.id())) {
                return false;
            }
            UUID action = actions.record(ConsoleActions.Kind.RESUME, actor, "partner=" + partner.id(), why);
            if (!suspensions.resume(partner.id())) {
                tx.setRollbackOnly();
                return false;
            }
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).recipient(partner.id())
                    .outcome("partner-resumed", "partner=" + partner.id() + " before=suspended after=active action=" + action));
            return true;
        });
        if (!Boolean.TRUE.equals(changed)) {
            return Change.UNCHANGED;
        }
        control.resume(partner.id());
        log.info("{} ({}) resumed partner {}", actor.name(), actor.role(), partner.id());
        return Change.CHANGED;
    }

    private Partner known(String partnerId) {
        if (partnerId == null || partnerId.isBlank()) {
            throw new Refused("partner", "Choose a partner");
        }
        return registry.byId(partnerId).filter(p -> !Partner.GATEWAY_ID.equals(p.id()))
                .orElseThrow(() -> new Refused("partner", "There is no partner with the id " + safe(partnerId)));
    }

    private PartnerView view(Partner partner, DeliveryOverview.Backlog backlog, boolean withReason) {
        var suspension = suspensions.of(partner.id()).orElse(null);
        return new PartnerView(partner, suspension != null, suspension == null ? null : suspension.since(),
                suspension == null ? null : suspension.by(),
                suspension != null && withReason ? actions.reason(suspension.actionId()) : null,
                control.delivering(partner.id()), backlog);
    }

    private static String safe(String id) {
        return id.length() > 64 || !id.matches("[A-Za-z0-9._-]+") ? "given" : "'" + id + "'";
    }
}
