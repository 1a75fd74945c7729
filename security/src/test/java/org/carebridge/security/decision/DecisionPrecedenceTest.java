package org.carebridge.security.decision;

import org.carebridge.security.RealConfig;
import org.carebridge.security.RealConfig.InMemoryConsents;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.consent.ConsentLookup;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.PartnerRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How findings from several rules for one recipient combine (DecisionEngine's documented precedence), with small
 * synthetic agreements that all name cs-norfolk as the recipient of a placement notification from cs-suffolk.
 * Agreements are taken in id order, so each case is also run with the ids swapped: the precedence is not an order.
 */
class DecisionPrecedenceTest {

    static final Instant AT = DecisionTableTest.AT;
    static final SubjectIdentifier NHS = DecisionTableTest.NHS;
    static final SafeguardingOverride OVERRIDE = new SafeguardingOverride("Practitioner 1", "Social worker", "Immediate risk.");
    static final String NO_FLAG = "Bundle.entry.resource.ofType(Flag).exists()";

    @TempDir
    static Path pkiDir;

    static PartnerRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadPartners() {
        registry = RealConfig.registry(pkiDir);
    }

    @ParameterizedTest(name = "consent rule in agreement ''{0}''")
    @ValueSource(strings = {"alpha", "zulu"})
    void aWithdrawnConsentBeatsAPermitFromAnotherAgreement(String consentAgreement) throws IOException {
        write(consentAgreement, "by-consent", "required", null);
        write(other(consentAgreement), "statutory", "not-required", null);
        ConsentRecord withdrawn = consent(ConsentState.WITHDRAWN, "2026-11-10T09:00:00Z");

        Decision d = decideForCsNorfolk(new InMemoryConsents(consent(ConsentState.GIVEN, "2026-11-01T09:00:00Z"), withdrawn), null);

        assertThat(d.outcome()).isEqualTo(Outcome.DENY);
        assertThat(d.reason()).isEqualTo("consent-withdrawn");
        assertThat(d.agreementId()).isEqualTo(consentAgreement);
        assertThat(d.ruleId()).isEqualTo("by-consent");
        assertThat(d.consentReference()).isEqualTo(withdrawn.reference());
        assertThat(d.profile()).isNull();
        DecisionTableTest.assertExplained(d);
    }

    @ParameterizedTest(name = "consent rule in agreement ''{0}''")
    @ValueSource(strings = {"alpha", "zulu"})
    void aRefusedConsentBeatsAPermitFromAnotherAgreement(String consentAgreement) throws IOException {
        write(consentAgreement, "by-consent", "required", null);
        write(other(consentAgreement), "statutory", "not-required", null);

        Decision d = decideForCsNorfolk(new InMemoryConsents(consent(ConsentState.REFUSED, "2026-11-10T09:00:00Z")), null);

        assertThat(d.outcome()).isEqualTo(Outcome.DENY);
        assertThat(d.reason()).isEqualTo("consent-refused");
        assertThat(d.agreementId()).isEqualTo(consentAgreement);
    }

    @ParameterizedTest(name = "override rule in agreement ''{0}''")
    @ValueSource(strings = {"alpha", "zulu"})
    void aPermitBeatsAPermitByOverride(String overrideAgreement) throws IOException {
        write(overrideAgreement, "unless-safeguarding", "required-unless-safeguarding", null);
        write(other(overrideAgreement), "statutory", "not-required", null);

        Decision d = decideForCsNorfolk(new InMemoryConsents(), OVERRIDE);

        assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(d.reason()).isEqualTo("permitted");
        assertThat(d.agreementId()).isEqualTo(other(overrideAgreement));
        assertThat(d.ruleId()).isEqualTo("statutory");
        assertThat(d.override()).as("a plain permit records no override").isNull();
        DecisionTableTest.assertExplained(d);
    }

    @Test
    void anOverrideAloneSharesAndRecordsTheOverride() throws IOException {
        write("alpha", "unless-safeguarding", "required-unless-safeguarding", null);

        Decision d = decideForCsNorfolk(new InMemoryConsents(), OVERRIDE);

        assertThat(d.outcome()).isEqualTo(Outcome.PERMIT_BY_OVERRIDE);
        assertThat(d.override()).isEqualTo(OVERRIDE);
        assertThat(d.profile()).isEqualTo("placement-childrens-services");
    }

    @Test
    void anOverrideDoesNotOpenARuleThatRequiresConsent() throws IOException {
        write("alpha", "by-consent", "required", null);

        Decision d = decideForCsNorfolk(new InMemoryConsents(), OVERRIDE);

        assertThat(d.outcome()).isEqualTo(Outcome.DENY);
        assertThat(d.reason()).isEqualTo("no-consent");
    }

    @ParameterizedTest(name = "consent rule in agreement ''{0}''")
    @ValueSource(strings = {"alpha", "zulu"})
    void amongWeakDeniesNoConsentIsReportedOverAnUnmetCondition(String consentAgreement) throws IOException {
        write(consentAgreement, "by-consent", "required", null);
        write(other(consentAgreement), "flagged-only", "not-required", NO_FLAG);

        Decision d = decideForCsNorfolk(new InMemoryConsents(), null);

        assertThat(d.outcome()).isEqualTo(Outcome.DENY);
        assertThat(d.reason()).isEqualTo("no-consent");
        assertThat(d.agreementId()).isEqualTo(consentAgreement);
        DecisionTableTest.assertExplained(d);
    }

    @ParameterizedTest(name = "expired agreement ''{0}''")
    @ValueSource(strings = {"alpha", "zulu"})
    void anUnmetConditionIsReportedOverAnAgreementNotInForce(String expired) throws IOException {
        write(expired, "old", "not-required", null, "2020-01-01", "2020-12-31");
        write(other(expired), "flagged-only", "not-required", NO_FLAG);

        Decision d = decideForCsNorfolk(new InMemoryConsents(), null);

        assertThat(d.reason()).isEqualTo("condition-not-met");
        assertThat(d.agreementId()).isEqualTo(other(expired));
        assertThat(d.explanation()).contains("a risk flag is present");
    }

    @Test
    void theFirstPermitInAgreementOrderSuppliesTheProfile() throws IOException {
        Files.writeString(dir.resolve("b.yaml"), agreement("bravo", "second", "not-required", null, "2026-01-01", "2028-12-31")
                .replace("profile: placement-childrens-services", "profile: placement-virtual-school"));
        write("alpha", "first", "not-required", null);

        Decision d = decideForCsNorfolk(new InMemoryConsents(), null);

        assertThat(d.agreementId()).isEqualTo("alpha");
        assertThat(d.profile()).isEqualTo("placement-childrens-services");
    }

    @Test
    void theHighestVersionInForceOnTheDayApplies() throws IOException {
        Files.writeString(dir.resolve("v1.yaml"), agreement("versioned", "v1-rule", "not-required", null, "2026-01-01", "2026-12-31"));
        Files.writeString(dir.resolve("v2.yaml"), agreement("versioned", "v2-rule", "not-required", null, "2027-01-01", "2028-12-31")
                .replace("version: 1", "version: 2"));

        Decision in2026 = decideForCsNorfolk(new InMemoryConsents(), null, AT);
        Decision in2027 = decideForCsNorfolk(new InMemoryConsents(), null, Instant.parse("2027-03-01T12:00:00Z"));
        Decision in2025 = decideForCsNorfolk(new InMemoryConsents(), null, Instant.parse("2025-06-01T12:00:00Z"));

        assertThat(in2026.agreementVersion()).isEqualTo(1);
        assertThat(in2026.ruleId()).isEqualTo("v1-rule");
        assertThat(in2027.agreementVersion()).isEqualTo(2);
        assertThat(in2027.ruleId()).isEqualTo("v2-rule");
        assertThat(in2025.reason()).isEqualTo("agreement-not-in-force");
        assertThat(in2025.agreementVersion()).as("explained by the highest version").isEqualTo(2);
    }

    // --- helpers ---

    private Decision decideForCsNorfolk(ConsentLookup consents, SafeguardingOverride override) {
        return decideForCsNorfolk(consents, override, AT);
    }

    private Decision decideForCsNorfolk(ConsentLookup consents, SafeguardingOverride override, Instant at) {
        AgreementSet set = RealConfig.agreementLoader().load(dir);
        MessageFacts facts = RealConfig.facts(RealConfig.exampleBundle("placement-notification.json"), registry, at);
        MessageFacts withOverride = new MessageFacts(facts.event(), facts.sender(), facts.responsibleArea(), facts.receivingArea(),
                facts.bundle(), facts.subjects(), override, facts.at());

        List<Decision> decisions = RealConfig.engine(set, registry, consents).decide(withOverride);

        assertThat(decisions).extracting(d -> d.recipient().id()).containsExactly("cs-norfolk");
        return decisions.get(0);
    }

    private static String other(String id) {
        return "alpha".equals(id) ? "zulu" : "alpha";
    }

    private void write(String id, String ruleId, String consent, String condition) throws IOException {
        write(id, ruleId, consent, condition, "2026-01-01", "2028-12-31");
    }

    private void write(String id, String ruleId, String consent, String condition, String from, String until) throws IOException {
        Files.writeString(dir.resolve(id + ".yaml"), agreement(id, ruleId, consent, condition, from, until));
    }

    static String agreement(String id, String ruleId, String consent, String condition, String from, String until) {
        return """
                id: %s
                version: 1
                title: Synthetic agreement %s
                purpose: Testing how decisions combine.
                purposeCode: test-purpose
                parties:
                  - kind: childrens-services
                lawfulBasis:
                  article6: 6(1)(e) public task
                validity:
                  from: %s
                  until: %s
                reviewDate: 2027-09-30
                retention: P1Y
                signatories:
                  - { name: A Signatory, role: Director, organisation: Somewhere Council, signed: 2025-12-01 }
                rules:
                  - id: %s
                    event: placement-notification
                    sender: { kind: childrens-services }
                    recipient: { partner: cs-norfolk }
                    profile: placement-childrens-services
                    consent: %s
                """.formatted(id, id, from, until, ruleId, consent)
                + (condition == null ? "" : "    condition: " + condition + "\n    conditionText: a risk flag is present\n");
    }

    static ConsentRecord consent(ConsentState state, String recordedAt) {
        return new ConsentRecord("synthetic", state == ConsentState.GIVEN ? 1 : 2, NHS, state, Set.of("cs-norfolk"), Set.of(),
                Set.of("test-purpose"), null, null, Instant.parse(recordedAt), "cs-suffolk");
    }
}
