package org.carebridge.gateway.delivery;

import org.apache.camel.Exchange;
import org.carebridge.connectors.https.DeliveryFailure;
import org.carebridge.connectors.inbound.InboundFileNames;
import org.carebridge.connectors.notice.ReadableNotice;
import org.carebridge.connectors.smtp.SecureEmail;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.record.PendingDelivery;
import org.carebridge.gateway.seal.CopyProtection;
import org.carebridge.gateway.seal.GatewayKeys;
import org.carebridge.gateway.seal.PartnerEncryptionCertificates;
import org.carebridge.gateway.seal.UndeliverableCopy;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Copies for the transports that are not HTTPS: each is made ready for its transport (a file, a secure email), sent by
 * the transport's route, and only then recorded as delivered, the DELIVERED state and its DISCLOSED fact in one commit.
 */
@Component
public class OutboundCopies {

    static final String DELIVERY = "CareBridgeDelivery";
    static final String PROTECTION = "CareBridgeProtection";

    private final PartnerRegistry registry;
    private final DeliveryStore store;
    private final CopyProtection protection;
    private final GatewayKeys keys;
    private final PartnerEncryptionCertificates certificates;
    private final GatewayMetrics metrics;
    private final JdbcTemplate jdbc;
    private final String mailFrom;

    public OutboundCopies(PartnerRegistry registry, DeliveryStore store, CopyProtection protection, GatewayKeys keys,
                          PartnerEncryptionCertificates certificates, GatewayMetrics metrics, JdbcTemplate jdbc,
                          @Value("${carebridge.transports.smtp.from}") String mailFrom) {
        this.registry = registry;
        this.store = store;
        this.protection = protection;
        this.keys = keys;
        this.certificates = certificates;
        this.metrics = metrics;
        this.jdbc = jdbc;
        this.mailFrom = mailFrom;
    }

    /** The copy as a file for the partner's inbox: sealed ({@code .p7m}) unless it may travel plain. */
    public void file(Exchange exchange) throws DeliveryFailure, UndeliverableCopy {
        PendingDelivery delivery = pending(exchange);
        if (delivery == null) {
            return;
        }
        Partner partner = partner(delivery);
        boolean notice = PartnerEndpoint.NOTICE_HTML.equals(partner.endpoint().format());
        CopyProtection.ProtectedCopy copy = protection.protect(partner, delivery.agreement(), content(partner, delivery));
        boolean sealed = !partner.sealing().plainOnly();
        String name = baseName(delivery) + (notice ? ".html" : ".json") + (sealed ? ".p7m" : "");
        exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        exchange.setProperty(PROTECTION, copy.protection() + (notice ? "; notice-html" : ""));
        exchange.getIn().setBody(copy.body());
    }

    /** The copy as an S/MIME message: signed by the gateway, encrypted to the partner's encryption certificate. */
    public void email(Exchange exchange) throws DeliveryFailure, UndeliverableCopy {
        PendingDelivery delivery = pending(exchange);
        if (delivery == null) {
            return;
        }
        Partner partner = partner(delivery);
        Instant now = Instant.now();
        KeyMaterial signer = keys.currentSigner(now).orElseThrow(() -> new UndeliverableCopy("no gateway signing key is currently valid"));
        X509Certificate recipient = certificates.of(partner);
        try {
            recipient.checkValidity(Date.from(now));
        } catch (CertificateException e) {
            throw new UndeliverableCopy("partner '" + partner.id() + "': encryption certificate is not valid now");
        }
        boolean notice = PartnerEndpoint.NOTICE_HTML.equals(partner.endpoint().format());
        String event = delivery.order().event();
        var content = new SecureEmail.Content(content(partner, delivery), notice ? ReadableNotice.CONTENT_TYPE : "application/fhir+json",
                baseName(delivery) + (notice ? ".html" : ".json"));
        var envelope = new SecureEmail.Envelope(mailFrom, partner.endpoint().mailTo(),
                "CareBridge " + event + " " + delivery.order().trackingId(), delivery.deliveryId().toString());
        exchange.setProperty(PROTECTION, SecureEmail.protection(signer.privateKey(), recipient) + (notice ? "; notice-html" : ""));
        exchange.getIn().setBody(SecureEmail.of(content, envelope, signer.privateKey(), signer.certificate(), recipient, now));
    }

    /** The transport accepted the copy: DELIVERED and DISCLOSED together. */
    public void delivered(Exchange exchange) {
        PendingDelivery delivery = exchange.getProperty(DELIVERY, PendingDelivery.class);
        String recipient = delivery.order().recipient();
        store.markDelivered(delivery.deliveryId(), AuditFact.of(AuditKind.DISCLOSED, "gateway", "delivery")
                .tracking(delivery.order().trackingId().toString())
                .recipient(recipient).outcome("delivered", delivery.order().event() + "; " + exchange.getProperty(PROTECTION, String.class)
                        + " over " + registry.byId(recipient).map(p -> p.endpoint().transport().code()).orElse("?")));
        metrics.delivered(recipient, delivery.order().event(), Duration.between(delivery.receivedAt(), Instant.now()));
    }

    private PendingDelivery pending(Exchange exchange) {
        PendingDelivery delivery = exchange.getIn().getBody(PendingDelivery.class);
        if (store.erased(delivery.deliveryId())) {
            exchange.setRouteStop(true);
            return null;
        }
        exchange.setProperty(DELIVERY, delivery);
        return delivery;
    }

    private Partner partner(PendingDelivery delivery) throws DeliveryFailure {
        return registry.byId(delivery.order().recipient())
                .orElseThrow(() -> new DeliveryFailure(delivery.order().recipient(), 0, "partner is no longer registered"));
    }

    private byte[] content(Partner partner, PendingDelivery delivery) {
        if (!PartnerEndpoint.NOTICE_HTML.equals(partner.endpoint().format())) {
            return delivery.payload();
        }
        List<Map<String, Object>> clock = jdbc.queryForList(
                "select deadline, rule_id from record_clock where tracking_id = ?", delivery.order().trackingId());
        Instant deadline = clock.isEmpty() ? null : ((Timestamp) clock.get(0).get("deadline")).toInstant();
        String rule = clock.isEmpty() ? null : "Set by the clock rule '" + clock.get(0).get("rule_id") + "'.";
        return ReadableNotice.render(delivery.payload(), new ReadableNotice.Context(delivery.agreement().id(),
                delivery.agreement().version(), deadline, rule)).getBytes(StandardCharsets.UTF_8);
    }

    /** The sender's message id where it is a plain file name, otherwise the delivery id. */
    private static String baseName(PendingDelivery delivery) {
        String messageId = delivery.order().messageId();
        return messageId != null && InboundFileNames.problem(messageId + ".json") == null ? messageId : delivery.deliveryId().toString();
    }
}
