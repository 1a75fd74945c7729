package org.carebridge.security.decision;

import org.carebridge.security.RealConfig;
import org.carebridge.security.RealConfig.InMemoryConsents;
import org.carebridge.security.WithRealConfiguration;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.agreement.RuleCondition;
import org.carebridge.security.agreement.SharingRule;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the record says when a rule's condition breaks, and when the sender addresses a partner no rule covers. */
class DecisionRecordTest extends WithRealConfiguration {

    /** Parses, but throws when evaluated: the message has more than one resource. */
    private static final String THROWS = "Bundle.entry.resource.single().exists()";

    @Test
    void aConditionThatCannotBeEvaluatedDeniesWithConditionErrorNamingTheRule() {
        List<String> counted = new ArrayList<>();
        DecisionEngine engine = new DecisionEngine(() -> withPoliceCondition(THROWS), registry, new InMemoryConsents(),
                RealConfig.fhir(), (agreement, version, rule) -> counted.add(agreement + "/" + version + "/" + rule));
        Bundle bundle = RealConfig.exampleBundle("placement-notification-risk-flag.json");

        String log;
        List<Decision> decisions;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            decisions = engine.decide(RealConfig.facts(bundle, registry, DecisionTableTest.AT));
        } finally {
            System.setErr(err);
        }
        log = captured.toString(StandardCharsets.UTF_8);

        Decision police = decisions.stream().filter(d -> d.recipient().id().equals("police-norfolk")).findFirst().orElseThrow();
        assertThat(police.outcome()).isEqualTo(Outcome.DENY);
        assertThat(police.reason()).isEqualTo("condition-error");
        assertThat(police.ruleId()).isEqualTo(policeRule().id());
        assertThat(police.explanation()).contains("rule '" + policeRule().id() + "'", "could not be evaluated")
                .doesNotContain("does not show");
        assertThat(counted).containsExactly("placement-notification/" + placementAgreement().version() + "/" + policeRule().id());
        assertThat(log).contains("rule '" + policeRule().id() + "'", "condition-error");
        String body = RealConfig.exampleText("placement-notification-risk-flag.json");
        assertThat(body).contains("9434765919");
        assertThat(log).doesNotContain("9434765919", "Bundle.entry", "single");
        assertThat(decisions).filteredOn(d -> !d.recipient().id().equals("police-norfolk")).allMatch(Decision::shares);
    }

    @Test
    void aConditionThatHoldsOrNotIsNoError() {
        List<String> counted = new ArrayList<>();
        DecisionEngine engine = new DecisionEngine(() -> agreements, registry, new InMemoryConsents(), RealConfig.fhir(),
                (agreement, version, rule) -> counted.add(rule));

        engine.decide(RealConfig.facts(RealConfig.exampleBundle("placement-notification.json"), registry, DecisionTableTest.AT));
        engine.decide(RealConfig.facts(RealConfig.exampleBundle("placement-notification-risk-flag.json"), registry, DecisionTableTest.AT));

        assertThat(counted).isEmpty();
    }

    @Test
    void anAddressedPartnerNoAgreementCoversIsDeniedOnTheRecord() {
        Bundle bundle = RealConfig.exampleBundle("placement-notification.json");
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        header.addDestination().setName("Youth justice").setEndpoint(DecisionEngine.PARTNER_ENDPOINT_PREFIX + "yjs-norfolk");
        header.addDestination().setEndpoint(DecisionEngine.PARTNER_ENDPOINT_PREFIX + "yjs-norfolk");
        header.addDestination().setEndpoint(DecisionEngine.PARTNER_ENDPOINT_PREFIX + "vs-suffolk"); // covered: decided as usual
        header.addDestination().setEndpoint(DecisionEngine.PARTNER_ENDPOINT_PREFIX + "nobody-registered");
        header.addDestination().setEndpoint(DecisionEngine.PARTNER_ENDPOINT_PREFIX + "cs-suffolk"); // the sender itself

        List<Decision> decisions = RealConfig.engine(agreements, registry, new InMemoryConsents())
                .decide(RealConfig.facts(bundle, registry, DecisionTableTest.AT));

        assertThat(decisions).extracting(d -> d.recipient().id())
                .containsExactlyInAnyOrder("cs-norfolk", "health-norfolk", "vs-suffolk", "police-norfolk", "yjs-norfolk");
        Decision yjs = decisions.stream().filter(d -> d.recipient().id().equals("yjs-norfolk")).findFirst().orElseThrow();
        assertThat(yjs.outcome()).isEqualTo(Outcome.DENY);
        assertThat(yjs.reason()).isEqualTo("no-agreement");
        assertThat(yjs.explanation()).isEqualTo("Not shared: the sender addressed yjs-norfolk (youth-justice), but no agreement"
                + " has a rule sharing placement-notification from cs-suffolk with it.");
        assertThat(yjs.profile()).isNull();
        assertThat(decisions.stream().filter(d -> d.recipient().id().equals("vs-suffolk")).findFirst().orElseThrow().reason())
                .isEqualTo("permitted");
    }

    @Test
    void partnersNobodyAddressedStayOutOfTheDecisions() {
        List<Decision> decisions = RealConfig.engine(agreements, registry, new InMemoryConsents())
                .decide(RealConfig.facts(RealConfig.exampleBundle("placement-notification.json"), registry, DecisionTableTest.AT));

        assertThat(decisions).extracting(Decision::reason).doesNotContain("no-agreement");
        assertThat(decisions).extracting(d -> d.recipient().id()).doesNotContain("yjs-norfolk", "mash-norfolk");
    }

    private static Agreement placementAgreement() {
        return agreements.agreements().stream().filter(a -> a.id().equals("placement-notification"))
                .max(java.util.Comparator.comparingInt(Agreement::version)).orElseThrow();
    }

    private static SharingRule policeRule() {
        return placementAgreement().rules().stream().filter(r -> r.condition() != null).findFirst().orElseThrow();
    }

    private static AgreementSet withPoliceCondition(String condition) {
        try {
            return withPoliceCondition(condition, RuleCondition.parse(RuleCondition.engine(RealConfig.fhir()), condition));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static AgreementSet withPoliceCondition(String condition, RuleCondition parsed) {
        List<Agreement> all = new ArrayList<>();
        for (Agreement a : agreements.agreements()) {
            if (a != placementAgreement()) {
                all.add(a);
                continue;
            }
            List<SharingRule> rules = new ArrayList<>();
            for (SharingRule r : a.rules()) {
                rules.add(r != policeRule() ? r : new SharingRule(r.id(), r.event(), r.sender(), r.recipient(), condition,
                        parsed, r.conditionText(), r.profile(), r.consent(), r.purpose()));
            }
            all.add(new Agreement(a.id(), a.version(), a.title(), a.purpose(), a.parties(), a.lawfulBasis(), a.validFrom(),
                    a.validUntil(), a.reviewDate(), a.retention(), a.signatories(), rules, a.source(), a.plainDelivery()));
        }
        return new AgreementSet(all);
    }
}
