package org.carebridge.security.agreement;

import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The agreements in force. No agreement, no share: a partner receives a copy only when a rule names it. */
public final class AgreementSet {

    private final List<Agreement> agreements;

    public AgreementSet(List<Agreement> agreements) {
        this.agreements = List.copyOf(agreements);
    }

    public List<Agreement> agreements() {
        return agreements;
    }

    /** Every partner some rule in force allows to receive this message; never the sender itself. */
    public List<Recipient> recipients(MessageFacts facts, PartnerRegistry registry, LocalDate day) {
        Map<String, Recipient> chosen = new LinkedHashMap<>();
        for (Agreement agreement : agreements) {
            if (!agreement.inForceOn(day)) {
                continue;
            }
            for (SharingRule rule : agreement.rules()) {
                if (!rule.event().equals(facts.event()) || rule.senderKind() != facts.sender().kind()) {
                    continue;
                }
                for (Partner partner : registry.all()) {
                    if (partner.kind() == rule.recipientKind() && !partner.id().equals(facts.sender().id())
                            && servesArea(partner, rule.recipientArea(), facts)) {
                        chosen.putIfAbsent(partner.id(), new Recipient(partner, agreement.id(), agreement.version(), rule.id()));
                    }
                }
            }
        }
        return new ArrayList<>(chosen.values());
    }

    private static boolean servesArea(Partner partner, AreaRole role, MessageFacts facts) {
        return switch (role) {
            case ANY -> true;
            case SENDER -> partner.area().equals(facts.sender().area());
            case RESPONSIBLE -> partner.area().equals(facts.responsibleArea());
            case RECEIVING -> partner.area().equals(facts.receivingArea());
        };
    }
}
