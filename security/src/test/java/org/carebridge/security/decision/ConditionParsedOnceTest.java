package org.carebridge.security.decision;

import ca.uhn.fhir.fhirpath.IFhirPath;
import org.carebridge.security.RealConfig;
import org.carebridge.security.WithRealConfiguration;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.agreement.ConditionConstants;
import org.carebridge.security.agreement.RuleCondition;
import org.carebridge.security.agreement.SharingRule;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Flag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rule's condition is parsed once, when its agreement is read, and each decision gives it its own values (areas,
 * recipient, the decision's day and moment). It holds exactly when the condition with those values written into its
 * text as literals, parsed afresh, holds: the way every decision used to evaluate it.
 */
class ConditionParsedOnceTest extends WithRealConfiguration {

    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");
    private static final Pattern AREA_CODE = Pattern.compile("[EWSN]\\d{8}");
    private static final Pattern PARTNER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final List<Instant> MOMENTS = Stream.of(
            "2026-11-20T12:00:00Z",      // seconds zero: still to the second
            "2026-11-20T12:00:17Z",
            "2026-11-20T12:00:30.900Z",  // to the second: the fraction is dropped
            "2023-06-01T23:30:00Z",      // already the 2nd in England (BST), still the 1st in UTC
            "2031-06-01T22:59:59Z").map(Instant::parse).toList();
    /** The risk flag's end around the moments above, so that {@code now()} decides. */
    private static final List<String> FLAG_ENDS = List.of("2026-11-20T12:00:30+00:00", "2026-11-20T12:00:00+00:00",
            "2026-11-20T12:00:17+00:00", "2026-11-20T11:59:59+00:00", "2026-11-20");

    private final ConditionEvaluator conditions = new ConditionEvaluator(RealConfig.fhir());
    private final IFhirPath fhirPath = RealConfig.fhir().newFhirPath();

    @Test
    void everyConditionHoldsAsItsTextWithTheValuesWrittenIn() throws IOException {
        List<SharingRule> rules = agreements.agreements().stream().flatMap(a -> a.rules().stream())
                .filter(r -> r.compiledCondition() != null).toList();
        assertThat(rules).extracting(SharingRule::condition)
                .anyMatch(c -> c.contains("now()")).anyMatch(c -> c.contains("today()")).anyMatch(c -> c.contains("%recipient"))
                .anyMatch(c -> c.contains("%receivingArea"));
        List<Bundle> messages = new ArrayList<>();
        for (Path example : examples()) {
            messages.add(RealConfig.fhir().newJsonParser().parseResource(Bundle.class, Files.readString(example)));
        }
        for (String end : FLAG_ENDS) {
            Bundle flagged = RealConfig.exampleBundle("placement-notification-risk-flag.json");
            flagged.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Flag.class::isInstance)
                    .map(Flag.class::cast).forEach(flag -> flag.getPeriod().setEndElement(new DateTimeType(end)));
            messages.add(flagged);
        }
        int compared = 0;
        int held = 0;
        for (Bundle message : messages) {
            for (Instant at : MOMENTS) {
                MessageFacts facts = RealConfig.facts(message, registry, at);
                LocalDate day = LocalDate.ofInstant(at, ENGLAND);
                ConditionEvaluator.Values values = ConditionEvaluator.Values.of(facts, day);
                for (SharingRule rule : rules) {
                    for (String recipient : List.of("yjs-norfolk", "police-norfolk", "cs-suffolk")) {
                        Boolean once = parsedOnce(rule.compiledCondition(), message, values.forRecipient(recipient));
                        Boolean afresh = parsedAfresh(rule.condition(), facts, recipient, day);
                        assertThat(once).as(rule.id() + " on " + facts.event() + " at " + at + " for " + recipient).isEqualTo(afresh);
                        compared++;
                        held += Boolean.TRUE.equals(once) ? 1 : 0;
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(1000);
        assertThat(held).as("some conditions hold, some do not").isBetween(1, compared - 1);
    }

    @Test
    void theFlagsEndDecidesAgainstTheDecisionsMoment() {
        assertThat(flagCurrent("2026-11-20T12:00:30+00:00", "2026-11-20T12:00:17Z")).isTrue();
        assertThat(flagCurrent("2026-11-20T12:00:17+00:00", "2026-11-20T12:00:17Z")).isTrue();
        assertThat(flagCurrent("2026-11-20T12:00:16+00:00", "2026-11-20T12:00:17Z")).isFalse();
        assertThat(flagCurrent("2026-11-21T00:00:00+00:00", "2031-06-01T22:59:59Z")).isFalse();
        // at zero seconds too: a moment precise only to the minute would compare as unknown within that minute
        assertThat(flagCurrent("2026-11-20T12:00:30+00:00", "2026-11-20T12:00:00Z")).isTrue();
        assertThat(flagCurrent("2026-11-20T11:59:59+00:00", "2026-11-20T12:00:00Z")).isFalse();
    }

    @Test
    void aDecisionEvaluatesTheConditionParsedWithTheAgreementNotItsText() {
        Bundle flagged = RealConfig.exampleBundle("placement-notification-risk-flag.json");
        SharingRule police = policeRule(agreements);
        // The text is not FHIRPath at all: a decision that parsed it again could only fail.
        AgreementSet parsedOnly = withPoliceRule(new SharingRule(police.id(), police.event(), police.sender(), police.recipient(),
                "now() is not FHIRPath (", police.compiledCondition(), police.conditionText(), police.profile(), police.consent(),
                police.purpose()));
        List<String> errors = new ArrayList<>();
        DecisionEngine engine = new DecisionEngine(() -> parsedOnly, registry, new RealConfig.InMemoryConsents(), RealConfig.fhir(),
                (agreement, version, rule) -> errors.add(rule));

        Decision decision = engine.decide(RealConfig.facts(flagged, registry, Instant.parse("2026-11-20T12:00:17Z"))).stream()
                .filter(d -> d.recipient().id().equals("police-norfolk")).findFirst().orElseThrow();

        assertThat(errors).isEmpty();
        assertThat(decision.reason()).isEqualTo("permitted");
        assertThat(decision.ruleId()).isEqualTo(police.id());
    }

    private boolean flagCurrent(String end, String at) {
        Bundle flagged = RealConfig.exampleBundle("placement-notification-risk-flag.json");
        flagged.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Flag.class::isInstance)
                .map(Flag.class::cast).forEach(flag -> flag.getPeriod().setEndElement(new DateTimeType(end)));
        MessageFacts facts = RealConfig.facts(flagged, registry, Instant.parse(at));
        return conditions.holds(policeRule(agreements).compiledCondition(), flagged,
                ConditionEvaluator.Values.of(facts, LocalDate.ofInstant(facts.at(), ENGLAND)).forRecipient("police-norfolk"));
    }

    private Boolean parsedOnce(RuleCondition condition, Bundle message, ConditionEvaluator.Values values) {
        try {
            return conditions.holds(condition, message, values);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The condition as every decision used to evaluate it: the values written into the text, parsed again. */
    private Boolean parsedAfresh(String condition, MessageFacts facts, String recipient, LocalDate day) {
        try {
            String text = condition;
            if (text.contains("%")) {
                text = written(text, ConditionConstants.SENDER_AREA, area(facts.sender().area()));
                text = written(text, ConditionConstants.RESPONSIBLE_AREA, area(facts.responsibleArea()));
                text = written(text, ConditionConstants.RECEIVING_AREA, area(facts.receivingArea()));
                text = written(text, ConditionConstants.RECIPIENT,
                        recipient != null && PARTNER_ID.matcher(recipient).matches() ? "'" + recipient + "'" : "{}");
            }
            String at = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
                    .format(OffsetDateTime.ofInstant(facts.at(), ZoneOffset.UTC));
            text = text.replace("today()", "@" + day).replace("now()", "@" + at);
            List<BooleanType> result = fhirPath.evaluate(facts.bundle(), fhirPath.parse(text), BooleanType.class);
            return !result.isEmpty() && result.get(0).booleanValue();
        } catch (Exception e) {
            return null;
        }
    }

    private static String area(String area) {
        return area != null && AREA_CODE.matcher(area).matches() ? "'" + area + "'" : "{}";
    }

    private static String written(String condition, String name, String literal) {
        return condition.replaceAll("%" + name + "(?![A-Za-z0-9_-])", Matcher.quoteReplacement(literal));
    }

    private static SharingRule policeRule(AgreementSet set) {
        return placement(set).rules().stream().filter(r -> r.condition() != null && r.condition().contains("now()"))
                .findFirst().orElseThrow();
    }

    private static Agreement placement(AgreementSet set) {
        return set.agreements().stream().filter(a -> a.id().equals("placement-notification"))
                .max(java.util.Comparator.comparingInt(Agreement::version)).orElseThrow();
    }

    private static AgreementSet withPoliceRule(SharingRule replacement) {
        List<Agreement> all = new ArrayList<>();
        Agreement placement = placement(agreements);
        SharingRule police = policeRule(agreements);
        for (Agreement a : agreements.agreements()) {
            if (a != placement) {
                all.add(a);
                continue;
            }
            List<SharingRule> rules = a.rules().stream().map(r -> r == police ? replacement : r).toList();
            all.add(new Agreement(a.id(), a.version(), a.title(), a.purpose(), a.parties(), a.lawfulBasis(), a.validFrom(),
                    a.validUntil(), a.reviewDate(), a.retention(), a.signatories(), rules, a.source(), a.plainDelivery()));
        }
        return new AgreementSet(all);
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(RealConfig.dir().resolve("examples"))) {
            List<Path> bundles = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                if (Files.readString(file).contains("\"resourceType\": \"Bundle\"")) {
                    bundles.add(file);
                }
            }
            return bundles;
        }
    }
}
