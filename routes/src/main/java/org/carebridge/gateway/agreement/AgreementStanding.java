package org.carebridge.gateway.agreement;

import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.ConsentRequirement;
import org.carebridge.security.agreement.PartySelector;
import org.carebridge.security.agreement.SharingRule;

import java.time.LocalDate;
import java.util.List;

/**
 * Where an agreement stands on a day (in England): in force, expired, or not yet in force, and whether its review is
 * overdue; with its rules in plain words. What the start-up and reload log says, and what {@code GET /ig/agreements} serves.
 */
public record AgreementStanding(Agreement agreement, State state, LocalDate day) {

    public enum State {
        IN_FORCE("in force"), EXPIRED("expired"), NOT_YET_IN_FORCE("not yet in force");

        private final String words;

        State(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }

        public String code() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public static AgreementStanding on(Agreement agreement, LocalDate day) {
        State state = agreement.validUntil() != null && day.isAfter(agreement.validUntil()) ? State.EXPIRED
                : agreement.validFrom() != null && day.isBefore(agreement.validFrom()) ? State.NOT_YET_IN_FORCE : State.IN_FORCE;
        return new AgreementStanding(agreement, state, day);
    }

    /** The first day out of force, for an expired agreement; else null. */
    public LocalDate expiredSince() {
        return state == State.EXPIRED ? agreement.validUntil().plusDays(1) : null;
    }

    public boolean reviewOverdue() {
        return agreement.reviewDate() != null && day.isAfter(agreement.reviewDate());
    }

    /** e.g. "placement-notification v1: expired since 2026-12-01 (valid 2026-01-01 to 2026-11-30); review overdue since 2026-09-30". */
    public String sentence() {
        StringBuilder text = new StringBuilder(AgreementRegistry.label(agreement)).append(": ");
        switch (state) {
            case IN_FORCE -> text.append("in force (valid ").append(agreement.validity()).append(')');
            case EXPIRED -> text.append("expired since ").append(expiredSince()).append(" (valid ").append(agreement.validity()).append(')');
            case NOT_YET_IN_FORCE -> text.append("not yet in force: in force from ").append(agreement.validFrom())
                    .append(" (valid ").append(agreement.validity()).append(')');
        }
        if (reviewOverdue()) {
            text.append("; review overdue since ").append(agreement.reviewDate());
        } else if (agreement.reviewDate() != null) {
            text.append("; review due ").append(agreement.reviewDate());
        }
        return text.toString();
    }

    public List<String> parties() {
        return agreement.parties().stream().map(PartySelector::describe).toList();
    }

    /** A rule in plain words: who sends what to whom, when, which elements, and on what consent. */
    public static String describe(SharingRule rule) {
        StringBuilder text = new StringBuilder("When ").append(rule.sender().describe()).append(" sends a ").append(rule.event())
                .append(", ").append(rule.recipient().describe()).append(" receives the elements of profile ").append(rule.profile());
        if (rule.condition() != null) {
            text.append(", only when ").append(rule.conditionText() == null ? rule.condition() : rule.conditionText());
        }
        ConsentRequirement consent = rule.consent() == null ? ConsentRequirement.NOT_REQUIRED : rule.consent();
        String purpose = rule.purpose() == null ? "" : " for " + rule.purpose();
        text.append(switch (consent) {
            case NOT_REQUIRED -> "; consent is not required.";
            case REQUIRED -> "; only with the subject's consent" + purpose + ".";
            case REQUIRED_UNLESS_SAFEGUARDING -> "; with the subject's consent" + purpose
                    + ", or without it on a safeguarding override that information governance then reviews.";
        });
        return text.toString();
    }
}
