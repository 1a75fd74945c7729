package org.carebridge.gateway.agreement;

import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.ConsentRequirement;
import org.carebridge.security.agreement.SharingRule;

import org.carebridge.security.minimisation.FieldProfiles;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An agreement as a person reads it: where it stands, its parties, purpose and lawful basis, each rule in plain words
 * (who gets what, under which condition and consent), and each profile a rule names as its list of fields.
 *
 * @param approval the console approval the text came through, or null for a file in config/agreements/
 */
public record AgreementReading(AgreementStanding standing, List<Rule> rules, Map<String, Profile> profiles,
                               AgreementDrafts.Draft approval) {

    /** One rule: its words, and the parts a reader scans for. */
    public record Rule(String id, String event, String sender, String recipient, String condition, String consent, String profile,
                       String words) {
    }

    public record Profile(String name, String description, List<String> fields) {
    }

    public Agreement agreement() {
        return standing.agreement();
    }

    public static AgreementReading of(Agreement agreement, LocalDate day, FieldProfiles profiles, AgreementDrafts.Draft approval) {
        Map<String, Profile> used = new LinkedHashMap<>();
        List<Rule> rules = agreement.rules().stream().map(rule -> {
            used.computeIfAbsent(rule.profile(), name -> profiles.get(name)
                    .map(p -> new Profile(p.name(), p.description(), List.copyOf(new TreeSet<>(p.elements()))))
                    .orElse(new Profile(name, "not defined in profiles.yaml", List.of())));
            return new Rule(rule.id(), rule.event(), rule.sender().describe(), rule.recipient().describe(),
                    rule.condition() == null ? "always" : rule.conditionText() == null ? rule.condition() : rule.conditionText(),
                    consent(rule), rule.profile(), AgreementStanding.describe(rule));
        }).toList();
        return new AgreementReading(AgreementStanding.on(agreement, day), rules, used, approval);
    }

    private static String consent(SharingRule rule) {
        ConsentRequirement consent = rule.consent() == null ? ConsentRequirement.NOT_REQUIRED : rule.consent();
        return switch (consent) {
            case NOT_REQUIRED -> "Not required";
            case REQUIRED -> "Required" + (rule.purpose() == null ? "" : " for " + rule.purpose());
            case REQUIRED_UNLESS_SAFEGUARDING -> "Required" + (rule.purpose() == null ? "" : " for " + rule.purpose())
                    + ", unless a safeguarding override is asserted (then reviewed by information governance)";
        };
    }

}
