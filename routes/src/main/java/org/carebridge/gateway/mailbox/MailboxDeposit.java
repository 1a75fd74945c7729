package org.carebridge.gateway.mailbox;

import org.carebridge.connectors.https.DeliveryFailure;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.record.PendingDelivery;
import org.carebridge.gateway.seal.CopyProtection;
import org.carebridge.gateway.seal.UndeliverableCopy;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

/**
 * Delivery for {@code endpoint.transport: mailbox}: the copy is protected exactly as for HTTPS (sealed to the partner, or
 * plain where its agreement allows) and deposited in the partner's mailbox instead of posted.
 */
@Component
public class MailboxDeposit {

    private final PartnerRegistry registry;
    private final DeliveryStore store;
    private final CopyProtection protection;
    private final Mailbox mailbox;
    private final MailboxMetrics metrics;

    public MailboxDeposit(PartnerRegistry registry, DeliveryStore store, CopyProtection protection, Mailbox mailbox,
                          MailboxMetrics metrics) {
        this.registry = registry;
        this.store = store;
        this.protection = protection;
        this.mailbox = mailbox;
        this.metrics = metrics;
    }

    /** The whole step for a route: checks the copy may still go, then protects and deposits it. */
    public void deposit(PendingDelivery delivery) throws DeliveryFailure, UndeliverableCopy {
        if (store.erased(delivery.deliveryId())) {
            return;
        }
        Partner partner = registry.byId(delivery.order().recipient())
                .orElseThrow(() -> new DeliveryFailure(delivery.order().recipient(), 0, "partner is no longer registered"));
        deposit(partner, delivery);
    }

    /** For a caller that has already checked the copy and found its partner. */
    public void deposit(Partner partner, PendingDelivery delivery) throws UndeliverableCopy {
        CopyProtection.ProtectedCopy copy = protection.protect(partner, delivery.agreement(), delivery.payload());
        if (mailbox.deposit(delivery, partner, copy)) {
            metrics.refresh();
        }
    }
}
