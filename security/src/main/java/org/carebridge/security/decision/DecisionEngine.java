package org.carebridge.security.decision;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.agreement.ConsentRequirement;
import org.carebridge.security.agreement.SharingRule;
import org.carebridge.security.consent.ConsentLookup;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides, for every candidate recipient of a message, PERMIT, DENY or PERMIT_BY_OVERRIDE. Deny by default: a partner
 * that no rule names is not a candidate and gets nothing.
 *
 * <p>A candidate is a partner some rule for this event and sender names (by id, or by kind and area). Each such rule
 * yields a finding; findings combine by this precedence:
 * <ol>
 * <li>a deny for a stated reason (the subject withdrew or refused consent) beats everything;</li>
 * <li>then a permit (the first, in agreement and rule order, supplies the field profile);</li>
 * <li>then a permit by safeguarding override;</li>
 * <li>otherwise a deny, explained by the most telling reason: no consent, then an unmet condition, then an agreement
 * not in force; a condition that could not be evaluated is more telling than any of these.</li>
 * </ol>
 * A condition that cannot be evaluated denies with its own reason ({@code condition-error}), and is reported to the
 * {@link ConditionErrors} listener. A partner the sender addressed in {@code MessageHeader.destination} that no rule
 * covers is denied with {@code no-agreement}, so that the attempt is on the record.
 * Of several versions of one agreement, the highest version in force on the day applies.
 */
public final class DecisionEngine {

    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private static final Logger log = LoggerFactory.getLogger(DecisionEngine.class);
    /** How a MessageHeader's source and destination endpoints name a partner. */
    public static final String PARTNER_ENDPOINT_PREFIX = "urn:carebridge:partner:";

    /** Told of every rule condition that failed to evaluate, so that the host can count it. */
    @FunctionalInterface
    public interface ConditionErrors {
        void failed(String agreementId, int agreementVersion, String ruleId);
    }

    private final Supplier<AgreementSet> agreements;
    private final PartnerRegistry registry;
    private final ConsentLookup consents;
    private final ConditionEvaluator conditions;
    private final ConditionErrors conditionErrors;

    public DecisionEngine(Supplier<AgreementSet> agreements, PartnerRegistry registry, ConsentLookup consents, FhirContext fhir) {
        this(agreements, registry, consents, fhir, (agreement, version, rule) -> { });
    }

    public DecisionEngine(Supplier<AgreementSet> agreements, PartnerRegistry registry, ConsentLookup consents, FhirContext fhir,
                          ConditionErrors conditionErrors) {
        this.agreements = agreements;
        this.registry = registry;
        this.consents = consents;
        this.conditions = new ConditionEvaluator(fhir);
        this.conditionErrors = conditionErrors;
    }

    public List<Decision> decide(MessageFacts facts) {
        LocalDate day = LocalDate.ofInstant(facts.at(), ENGLAND);
        ConditionEvaluator.Values values = ConditionEvaluator.Values.of(facts, day);
        Map<String, List<Finding>> findings = new LinkedHashMap<>();
        List<ConsentRecord> subjectConsents = null;
        for (Agreement agreement : applicable(agreements.get().agreements(), day)) {
            boolean inForce = agreement.inForceOn(day);
            for (SharingRule rule : agreement.rules()) {
                if (!rule.event().equals(facts.event()) || !rule.sender().matches(facts.sender())) {
                    continue;
                }
                for (Partner partner : registry.all()) {
                    if (partner.id().equals(facts.sender().id()) || !rule.recipient().matches(partner) || !servesArea(partner, rule, facts)) {
                        continue;
                    }
                    if (inForce && rule.consent() != ConsentRequirement.NOT_REQUIRED && subjectConsents == null) {
                        subjectConsents = consents.forSubjects(facts.subjects());
                    }
                    findings.computeIfAbsent(partner.id(), id -> new ArrayList<>())
                            .add(evaluate(agreement, inForce, rule, partner, facts, day, values, subjectConsents));
                }
            }
        }
        List<Decision> decisions = new ArrayList<>();
        findings.values().forEach(list -> decisions.add(combine(list)));
        for (Partner addressed : addressed(facts)) {
            if (!findings.containsKey(addressed.id()) && !addressed.id().equals(facts.sender().id())) {
                decisions.add(new Decision(addressed, Outcome.DENY, NO_AGREEMENT, "Not shared: the sender addressed "
                        + addressed.id() + " (" + addressed.kind().code() + "), but no agreement has a rule sharing "
                        + facts.event() + " from " + facts.sender().id() + " with it.",
                        NONE, 0, NONE, "none: no agreement covers this share", null, null, null));
            }
        }
        return decisions;
    }

    /** The agreement and rule of a {@code no-agreement} decision, which has neither. */
    public static final String NONE = "none";
    public static final String NO_AGREEMENT = "no-agreement";
    public static final String CONDITION_ERROR = "condition-error";

    /** The registered partners the first MessageHeader names as destinations, each once, in order. */
    private List<Partner> addressed(MessageFacts facts) {
        Bundle bundle = facts.bundle();
        if (bundle == null || bundle.getEntry().isEmpty() || !(bundle.getEntryFirstRep().getResource() instanceof MessageHeader header)) {
            return List.of();
        }
        Map<String, Partner> partners = new LinkedHashMap<>();
        for (MessageHeader.MessageDestinationComponent destination : header.getDestination()) {
            String endpoint = destination.getEndpoint();
            if (endpoint != null && endpoint.startsWith(PARTNER_ENDPOINT_PREFIX)) {
                registry.byId(endpoint.substring(PARTNER_ENDPOINT_PREFIX.length())).ifPresent(p -> partners.putIfAbsent(p.id(), p));
            }
        }
        return new ArrayList<>(partners.values());
    }

    /** Per agreement id: the highest version in force on the day, or else the highest version (to explain why not). */
    private static List<Agreement> applicable(List<Agreement> all, LocalDate day) {
        Map<String, Agreement> chosen = new LinkedHashMap<>();
        all.stream().sorted(Comparator.comparing(Agreement::id).thenComparing(Agreement::version, Comparator.reverseOrder()))
                .forEach(a -> {
                    Agreement current = chosen.get(a.id());
                    if (current == null || (!current.inForceOn(day) && a.inForceOn(day))) {
                        chosen.put(a.id(), a);
                    }
                });
        return new ArrayList<>(chosen.values());
    }

    private Finding evaluate(Agreement agreement, boolean inForce, SharingRule rule, Partner partner, MessageFacts facts,
                             LocalDate day, ConditionEvaluator.Values values, List<ConsentRecord> subjectConsents) {
        String where = "rule '" + rule.id() + "' of agreement '" + agreement.id() + "' version " + agreement.version();
        if (!inForce) {
            return Finding.weak(3, decision(partner, Outcome.DENY, "agreement-not-in-force", "Not shared: " + where
                    + " cannot apply, because the agreement is not in force on " + day + " (valid " + agreement.validity() + ").",
                    agreement, rule, null, facts));
        }
        Boolean holds = rule.compiledCondition() == null ? Boolean.TRUE : conditionHolds(agreement, rule, partner, facts, values);
        if (holds == null) {
            return Finding.weak(0, decision(partner, Outcome.DENY, CONDITION_ERROR, "Not shared: " + where
                    + " applies only when " + rule.conditionText() + ", and that condition could not be evaluated on this"
                    + " message; the rule's condition needs correcting.", agreement, rule, null, facts));
        }
        if (!holds) {
            return Finding.weak(2, decision(partner, Outcome.DENY, "condition-not-met", "Not shared: " + where
                    + " applies only when " + rule.conditionText() + ", which this message does not show.", agreement, rule, null, facts));
        }
        if (rule.consent() == ConsentRequirement.NOT_REQUIRED) {
            return Finding.permit(decision(partner, Outcome.PERMIT, "permitted", "Shared under " + where
                    + "; consent is not required for this share.", agreement, rule, null, facts));
        }
        Optional<ConsentRecord> governing = subjectConsents.stream()
                .filter(c -> c.covers(partner, rule.purpose(), facts.at()))
                .max(Comparator.comparing(ConsentRecord::recordedAt));
        if (governing.isPresent() && governing.get().state() == ConsentState.GIVEN) {
            ConsentRecord consent = governing.get();
            return Finding.permit(decision(partner, Outcome.PERMIT, "permitted-with-consent", "Shared under " + where
                    + ", with the subject's consent (" + consent.reference() + ").", agreement, rule, consent.reference(), facts));
        }
        if (rule.consent() == ConsentRequirement.REQUIRED_UNLESS_SAFEGUARDING && facts.override() != null) {
            // Who asserted it, in what role and why is personal data: it is kept with the override review, sealed with the record.
            return Finding.override(decision(partner, Outcome.PERMIT_BY_OVERRIDE, "permitted-by-override",
                    "Shared without consent under " + where + ", on a safeguarding override"
                            + governing.map(c -> ", although the subject " + (c.state() == ConsentState.WITHDRAWN ? "withdrew" : "refused")
                            + " consent (" + c.reference() + ")").orElse("") + "; queued for information-governance review.",
                    agreement, rule, governing.map(ConsentRecord::reference).orElse(null), facts));
        }
        if (governing.isPresent()) {
            ConsentRecord consent = governing.get();
            boolean withdrawn = consent.state() == ConsentState.WITHDRAWN;
            return Finding.strong(decision(partner, Outcome.DENY, withdrawn ? "consent-withdrawn" : "consent-refused",
                    "Not shared: " + where + " needs the subject's consent, and the subject "
                            + (withdrawn ? "withdrew it" : "refused it") + " (" + consent.reference() + ").",
                    agreement, rule, consent.reference(), facts));
        }
        return Finding.weak(1, decision(partner, Outcome.DENY, "no-consent", "Not shared: " + where
                + " needs the subject's consent to share with " + partner.kind().code() + ", and none is recorded"
                + (rule.consent() == ConsentRequirement.REQUIRED_UNLESS_SAFEGUARDING ? " and no safeguarding override was asserted." : "."),
                agreement, rule, null, facts));
    }

    /**
     * A condition's {@code today()} and {@code now()} mean the decision's moment, not the machine's clock, so that a
     * decision can be explained and reproduced afterwards. Null when the condition cannot be evaluated: that is logged
     * by rule and exception type only, since an evaluation error's message may quote the message's content.
     */
    private Boolean conditionHolds(Agreement agreement, SharingRule rule, Partner partner, MessageFacts facts,
                                   ConditionEvaluator.Values values) {
        try {
            return conditions.holds(rule.compiledCondition(), facts.bundle(), values.forRecipient(partner.id()));
        } catch (Exception e) {
            log.warn("Condition of rule '{}' of agreement '{}' version {} failed to evaluate ({}); denied with condition-error",
                    rule.id(), agreement.id(), agreement.version(), e.getClass().getSimpleName());
            conditionErrors.failed(agreement.id(), agreement.version(), rule.id());
            return null;
        }
    }

    private static Decision decision(Partner partner, Outcome outcome, String reason, String explanation, Agreement agreement,
                                     SharingRule rule, String consentReference, MessageFacts facts) {
        return new Decision(partner, outcome, reason, explanation, agreement.id(), agreement.version(), rule.id(),
                agreement.lawfulBasis().summary(), consentReference, outcome == Outcome.DENY ? null : rule.profile(),
                outcome == Outcome.PERMIT_BY_OVERRIDE ? facts.override() : null);
    }

    private static boolean servesArea(Partner partner, SharingRule rule, MessageFacts facts) {
        if (rule.recipient().partnerId() != null) {
            return true;
        }
        return switch (rule.recipient().area()) {
            case ANY -> true;
            case SENDER -> partner.area().equals(facts.sender().area());
            case RESPONSIBLE -> partner.area().equals(facts.responsibleArea());
            case RECEIVING -> partner.area().equals(facts.receivingArea());
        };
    }

    private static Decision combine(List<Finding> findings) {
        return findings.stream().filter(f -> f.rank == 0).findFirst()
                .or(() -> findings.stream().filter(f -> f.rank == 1).findFirst())
                .or(() -> findings.stream().filter(f -> f.rank == 2).findFirst())
                .or(() -> findings.stream().filter(f -> f.rank == 3).min(Comparator.comparingInt(f -> f.weakness)))
                .orElseThrow().decision;
    }

    /** rank: 0 strong deny, 1 permit, 2 override, 3 weak deny (weakness 0 most telling). */
    private record Finding(int rank, int weakness, Decision decision) {
        static Finding strong(Decision d) {
            return new Finding(0, 0, d);
        }

        static Finding permit(Decision d) {
            return new Finding(1, 0, d);
        }

        static Finding override(Decision d) {
            return new Finding(2, 0, d);
        }

        static Finding weak(int weakness, Decision d) {
            return new Finding(3, weakness, d);
        }
    }
}
