package org.carebridge.gateway.delivery;

import org.apache.camel.model.FilterDefinition;
import org.carebridge.gateway.mailbox.MailboxDeposit;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.Transport;
import org.springframework.stereotype.Component;

/**
 * {@code endpoint.transport: mailbox}: the copy is sealed as for HTTPS and deposited in the partner's mailbox on the
 * gateway instead of posted. Deposit is not disclosure: the DISCLOSED fact is written when the partner downloads it.
 */
@Component
public class MailboxDeliveryTemplate extends DeliveryTemplate {

    public static final String TEMPLATE_ID = "delivery-mailbox";

    @Override
    public boolean carries(Transport transport) {
        return transport == Transport.MAILBOX;
    }

    @Override
    public String templateId() {
        return TEMPLATE_ID;
    }

    @Override
    protected void deliver(FilterDefinition copy) {
        copy.bean(MailboxDeposit.class, "deposit(${body})");
    }

    /** The partner connects to us: there is nothing to reach. */
    @Override
    public ConnectionCheck.Result checkConnection(Partner partner) {
        return ConnectionCheck.timed("mailbox", "mailbox on the gateway",
                () -> "the partner pulls its copies from its mailbox on the gateway; nothing to connect to");
    }
}
