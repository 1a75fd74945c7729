package org.carebridge.gateway.delivery;

import org.carebridge.connectors.https.DeliveryFailure;
import org.carebridge.connectors.https.PartnerHttpsTransport;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.record.PendingDelivery;
import org.carebridge.gateway.seal.CopyProtection;
import org.carebridge.gateway.seal.UndeliverableCopy;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Sends one copy to its recipient and records that it arrived: the state change and its DISCLOSED fact commit together. */
@Component("disclosureSender")
public class DisclosureSender {

    private final PartnerRegistry registry;
    private final PartnerHttpsTransport transport;
    private final DeliveryStore store;
    private final GatewayMetrics metrics;

    private final CopyProtection protection;

    public DisclosureSender(PartnerRegistry registry, PartnerHttpsTransport transport, DeliveryStore store, GatewayMetrics metrics,
                            CopyProtection protection) {
        this.protection = protection;
        this.registry = registry;
        this.transport = transport;
        this.store = store;
        this.metrics = metrics;
    }

    public void send(PendingDelivery delivery) throws DeliveryFailure, UndeliverableCopy {
        // the load has just checked; a retry re-sends the copy it already holds, so it checks again
        if (!delivery.freshlyCheckedForErasure() && store.erased(delivery.deliveryId())) {
            return;
        }
        Partner partner = registry.byId(delivery.order().recipient())
                .orElseThrow(() -> new DeliveryFailure(delivery.order().recipient(), 0, "partner is no longer registered"));
        CopyProtection.ProtectedCopy copy = protection.protect(partner, delivery.agreement(), delivery.payload());
        transport.deliver(partner, copy.body(), copy.contentType(), Map.of(
                PartnerHttpsTransport.MESSAGE_ID_HEADER, delivery.order().messageId(),
                PartnerHttpsTransport.TRACKING_ID_HEADER, delivery.order().trackingId().toString(),
                PartnerHttpsTransport.EVENT_HEADER, delivery.order().event()));
        store.markDelivered(delivery.deliveryId(), AuditFact.of(AuditKind.DISCLOSED, "gateway", "delivery")
                .tracking(delivery.order().trackingId().toString())
                .recipient(partner.id()).outcome("delivered", delivery.order().event() + "; " + copy.protection()), delivery.clocked());
        metrics.delivered(partner.id(), delivery.order().event(), Duration.between(delivery.receivedAt(), Instant.now()));
    }
}
