package org.carebridge.gateway.intake;

import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.agreement.MessageFacts;
import org.carebridge.security.fhir.MessageAreas;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.time.ZoneId;

/** Asks the agreements in force who may receive a message. Deny by default: no rule, no recipient. */
@Component("recipientResolver")
public class RecipientResolver {

    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private final AgreementSet agreements;
    private final PartnerRegistry registry;

    public RecipientResolver(AgreementSet agreements, PartnerRegistry registry) {
        this.agreements = agreements;
        this.registry = registry;
    }

    public RoutedMessage resolve(IncomingMessage message) {
        MessageFacts facts = new MessageFacts(message.event(), message.sender(),
                MessageAreas.responsibleArea(message.bundle()).orElse(message.sender().area()),
                MessageAreas.receivingArea(message.bundle()).orElse(null));
        LocalDate today = LocalDate.ofInstant(message.receivedAt(), ENGLAND);
        return new RoutedMessage(message, agreements.recipients(facts, registry, today));
    }
}
