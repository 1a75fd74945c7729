package org.carebridge.security.decision;

import org.carebridge.security.WithRealConfiguration;
import org.carebridge.security.RealConfig;
import org.carebridge.security.RealConfig.InMemoryConsents;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.ConsentState;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.AgencyKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision table: each example message, with the consents on record, decided with the real agreements and
 * partners, and the decision expected for every candidate recipient (and no other). See config/examples/README.md.
 */
class DecisionTableTest extends WithRealConfiguration {

    static final Instant AT = Instant.parse("2026-11-20T12:00:00Z");

    static final String PLACEMENT = "placement-notification.json";
    static final String RISK_FLAG = "placement-notification-risk-flag.json";
    static final String CARE_LEAVER = "care-leaver-police-contact.json";
    static final String CARE_LEAVER_UNDER_18 = "care-leaver-police-contact-under-18.json";
    static final String LIAISON = "liaison-diversion-health-summary.json";
    static final String LIAISON_OVERRIDE = "liaison-diversion-health-summary-override.json";

    static final SubjectIdentifier NHS = new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765919");
    static final SubjectIdentifier SUFFOLK_CHILD = new SubjectIdentifier(SubjectIdentifier.LA_CHILD_ID_PREFIX + "E10000029", "SCC-000123");

    static final String PLACEMENT_AGREEMENT = "placement-notification";
    static final String CARE_LEAVER_AGREEMENT = "care-leaver-police-contact";
    static final String LIAISON_AGREEMENT = "liaison-diversion-health-summary";

    static final SafeguardingOverride EXAMPLE_OVERRIDE = new SafeguardingOverride("L&D practitioner 4471",
            "Liaison and Diversion practitioner",
            "Immediate risk of harm to the child if the youth justice service is not told of the diagnosis before the interview.");

    // Consents on record.
    static final ConsentRecord CARE_LEAVER_GIVEN = careLeaverConsent("consent-cl", 1, ConsentState.GIVEN, "2026-11-02T14:00:00Z");
    static final ConsentRecord CARE_LEAVER_WITHDRAWN = careLeaverConsent("consent-cl", 2, ConsentState.WITHDRAWN, "2026-11-10T09:00:00Z");
    static final ConsentRecord CARE_LEAVER_REFUSED = careLeaverConsent("consent-cl-refused", 1, ConsentState.REFUSED, "2026-11-02T14:00:00Z");
    static final ConsentRecord CARE_LEAVER_OTHER_PURPOSE = new ConsentRecord("consent-other", 1, NHS, ConsentState.GIVEN,
            Set.of("cs-suffolk"), Set.of(), Set.of("placement-notification"), Instant.parse("2026-11-02T00:00:00Z"), null,
            Instant.parse("2026-11-02T14:00:00Z"), "cs-suffolk");
    static final ConsentRecord CARE_LEAVER_ENDED = new ConsentRecord("consent-ended", 1, NHS, ConsentState.GIVEN,
            Set.of("cs-suffolk"), Set.of(), Set.of("care-leaver-support"), Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-11-15T00:00:00Z"), Instant.parse("2026-01-01T10:00:00Z"), "cs-suffolk");
    static final ConsentRecord CARE_LEAVER_NOT_YET = new ConsentRecord("consent-future", 1, NHS, ConsentState.GIVEN,
            Set.of("cs-suffolk"), Set.of(), Set.of("care-leaver-support"), Instant.parse("2026-12-01T00:00:00Z"), null,
            Instant.parse("2026-11-19T10:00:00Z"), "cs-suffolk");
    static final ConsentRecord CARE_LEAVER_BY_KIND = new ConsentRecord("consent-kind", 1, NHS, ConsentState.GIVEN,
            Set.of(), Set.of(AgencyKind.CHILDRENS_SERVICES), Set.of("care-leaver-support"), null, null,
            Instant.parse("2026-11-02T14:00:00Z"), "cs-suffolk");
    static final ConsentRecord CARE_LEAVER_OTHER_PARTNER = new ConsentRecord("consent-cs-norfolk", 1, NHS, ConsentState.GIVEN,
            Set.of("cs-norfolk"), Set.of(), Set.of("care-leaver-support"), null, null,
            Instant.parse("2026-11-02T14:00:00Z"), "cs-norfolk");
    static final ConsentRecord CARE_LEAVER_OTHER_SUBJECT = new ConsentRecord("consent-someone-else", 1,
            new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765870"), ConsentState.GIVEN,
            Set.of("cs-suffolk"), Set.of(), Set.of("care-leaver-support"), null, null,
            Instant.parse("2026-11-02T14:00:00Z"), "cs-suffolk");
    static final ConsentRecord LIAISON_GIVEN = liaisonConsent(SUFFOLK_CHILD, 1, ConsentState.GIVEN, "2026-11-20T10:15:00Z");
    static final ConsentRecord LIAISON_WITHDRAWN = liaisonConsent(SUFFOLK_CHILD, 2, ConsentState.WITHDRAWN, "2026-11-20T11:00:00Z");
    static final ConsentRecord LIAISON_UNDER_NHS_NUMBER = liaisonConsent(NHS, 1, ConsentState.GIVEN, "2026-11-20T10:15:00Z");
    static final ConsentRecord LIAISON_OTHER_AUTHORITY = liaisonConsent(
            new SubjectIdentifier(SubjectIdentifier.LA_CHILD_ID_PREFIX + "E10000020", "SCC-000123"), 1, ConsentState.GIVEN, "2026-11-20T10:15:00Z");


    static Stream<Row> table() {
        Expect csNorfolk = permit("cs-norfolk", "permitted", PLACEMENT_AGREEMENT, "receiving-childrens-services", "placement-childrens-services");
        Expect healthNorfolk = permit("health-norfolk", "permitted", PLACEMENT_AGREEMENT, "receiving-area-health", "placement-health");
        Expect vsSuffolk = permit("vs-suffolk", "permitted", PLACEMENT_AGREEMENT, "responsible-virtual-school", "placement-virtual-school");
        Expect careLeaverPermit = permit("cs-suffolk", "permitted-with-consent", CARE_LEAVER_AGREEMENT, "former-responsible-authority",
                "care-leaver-police-contact");
        Expect careLeaverNoConsent = deny("cs-suffolk", "no-consent", CARE_LEAVER_AGREEMENT, "former-responsible-authority");
        Expect liaisonNoConsent = deny("yjs-norfolk", "no-consent", LIAISON_AGREEMENT, "youth-justice-service");
        Expect liaisonPermit = permit("yjs-norfolk", "permitted-with-consent", LIAISON_AGREEMENT, "youth-justice-service",
                "liaison-diversion-youth-justice");
        Expect liaisonOverride = new Expect("yjs-norfolk", Outcome.PERMIT_BY_OVERRIDE, "permitted-by-override", LIAISON_AGREEMENT,
                "youth-justice-service", "liaison-diversion-youth-justice", null);
        // police custody and the area's children's services need their own consent; the youth justice consent is not theirs
        Expect policeNoConsent = deny("police-norfolk", "no-consent", LIAISON_AGREEMENT, "police-custody");
        Expect csNoConsent = deny("cs-norfolk", "no-consent", LIAISON_AGREEMENT, "childrens-services");
        Expect policeOverride = new Expect("police-norfolk", Outcome.PERMIT_BY_OVERRIDE, "permitted-by-override", LIAISON_AGREEMENT,
                "police-custody", "liaison-diversion-custody", null);
        Expect csOverride = new Expect("cs-norfolk", Outcome.PERMIT_BY_OVERRIDE, "permitted-by-override", LIAISON_AGREEMENT,
                "childrens-services", "liaison-diversion-custody", null);

        return Stream.of(
                row("placement: receiving area's children's services and health, responsible virtual school; no police without a risk flag",
                        PLACEMENT, List.of(), AT, csNorfolk, healthNorfolk, vsSuffolk,
                        deny("police-norfolk", "condition-not-met", PLACEMENT_AGREEMENT, "receiving-police-when-at-risk")),
                row("placement with a current child-exploitation flag: the police too",
                        RISK_FLAG, List.of(), AT, csNorfolk, healthNorfolk, vsSuffolk,
                        permit("police-norfolk", "permitted", PLACEMENT_AGREEMENT, "receiving-police-when-at-risk", "placement-police-risk")),
                row("placement: consents on record change nothing for a statutory share",
                        PLACEMENT, List.of(CARE_LEAVER_WITHDRAWN), AT, csNorfolk, healthNorfolk, vsSuffolk,
                        deny("police-norfolk", "condition-not-met", PLACEMENT_AGREEMENT, "receiving-police-when-at-risk")),

                row("care leaver police contact, no consent", CARE_LEAVER, List.of(), AT, careLeaverNoConsent),
                row("care leaver police contact, consent given to cs-suffolk for care leaver support",
                        CARE_LEAVER, List.of(CARE_LEAVER_GIVEN), AT, careLeaverPermit.withConsent(CARE_LEAVER_GIVEN)),
                row("care leaver police contact, consent given to children's services as a kind",
                        CARE_LEAVER, List.of(CARE_LEAVER_BY_KIND), AT, careLeaverPermit.withConsent(CARE_LEAVER_BY_KIND)),
                row("care leaver police contact, consent given then withdrawn",
                        CARE_LEAVER, List.of(CARE_LEAVER_GIVEN, CARE_LEAVER_WITHDRAWN), AT,
                        deny("cs-suffolk", "consent-withdrawn", CARE_LEAVER_AGREEMENT, "former-responsible-authority").withConsent(CARE_LEAVER_WITHDRAWN)),
                row("care leaver police contact, withdrawal listed before the consent it withdraws",
                        CARE_LEAVER, List.of(CARE_LEAVER_WITHDRAWN, CARE_LEAVER_GIVEN), AT,
                        deny("cs-suffolk", "consent-withdrawn", CARE_LEAVER_AGREEMENT, "former-responsible-authority").withConsent(CARE_LEAVER_WITHDRAWN)),
                row("care leaver police contact, consent refused",
                        CARE_LEAVER, List.of(CARE_LEAVER_REFUSED), AT,
                        deny("cs-suffolk", "consent-refused", CARE_LEAVER_AGREEMENT, "former-responsible-authority").withConsent(CARE_LEAVER_REFUSED)),
                row("care leaver police contact, consent for a different purpose", CARE_LEAVER, List.of(CARE_LEAVER_OTHER_PURPOSE), AT, careLeaverNoConsent),
                row("care leaver police contact, consent period ended before the decision", CARE_LEAVER, List.of(CARE_LEAVER_ENDED), AT, careLeaverNoConsent),
                row("care leaver police contact, consent period not yet started", CARE_LEAVER, List.of(CARE_LEAVER_NOT_YET), AT, careLeaverNoConsent),
                row("care leaver police contact, consent names another partner", CARE_LEAVER, List.of(CARE_LEAVER_OTHER_PARTNER), AT, careLeaverNoConsent),
                row("care leaver police contact, consent of another subject", CARE_LEAVER, List.of(CARE_LEAVER_OTHER_SUBJECT), AT, careLeaverNoConsent),
                row("care leaver under 18, even with consent", CARE_LEAVER_UNDER_18, List.of(CARE_LEAVER_GIVEN), AT,
                        deny("cs-suffolk", "condition-not-met", CARE_LEAVER_AGREEMENT, "former-responsible-authority")),

                row("liaison and diversion, no consent", LIAISON, List.of(), AT, liaisonNoConsent, policeNoConsent, csNoConsent),
                row("liaison and diversion, consent given for the youth justice service",
                        LIAISON, List.of(LIAISON_GIVEN), AT, liaisonPermit.withConsent(LIAISON_GIVEN), policeNoConsent, csNoConsent),
                row("liaison and diversion, consent recorded under an identifier the message does not carry",
                        LIAISON, List.of(LIAISON_UNDER_NHS_NUMBER), AT, liaisonNoConsent, policeNoConsent, csNoConsent),
                row("liaison and diversion, consent under another authority's child id with the same value",
                        LIAISON, List.of(LIAISON_OTHER_AUTHORITY), AT, liaisonNoConsent, policeNoConsent, csNoConsent),
                row("liaison and diversion, consent withdrawn and no override",
                        LIAISON, List.of(LIAISON_GIVEN, LIAISON_WITHDRAWN), AT,
                        deny("yjs-norfolk", "consent-withdrawn", LIAISON_AGREEMENT, "youth-justice-service").withConsent(LIAISON_WITHDRAWN), policeNoConsent, csNoConsent),
                row("liaison and diversion with a safeguarding override, no consent", LIAISON_OVERRIDE, List.of(), AT, liaisonOverride, policeOverride, csOverride),
                row("liaison and diversion with a safeguarding override, consent withdrawn: the override is the exception",
                        LIAISON_OVERRIDE, List.of(LIAISON_GIVEN, LIAISON_WITHDRAWN), AT, liaisonOverride.withConsent(LIAISON_WITHDRAWN), policeOverride, csOverride),
                row("liaison and diversion with a safeguarding override and consent given: consent is the basis",
                        LIAISON_OVERRIDE, List.of(LIAISON_GIVEN), AT, liaisonPermit.withConsent(LIAISON_GIVEN), policeOverride, csOverride),

                row("placement decided in 2029, after the agreement's validity",
                        PLACEMENT, List.of(), Instant.parse("2029-03-01T12:00:00Z"), notInForce("cs-norfolk", "receiving-childrens-services"),
                        notInForce("health-norfolk", "receiving-area-health"), notInForce("vs-suffolk", "responsible-virtual-school"),
                        notInForce("police-norfolk", "receiving-police-when-at-risk")),
                row("placement decided before the agreement came into force",
                        PLACEMENT, List.of(), Instant.parse("2025-12-31T12:00:00Z"), notInForce("cs-norfolk", "receiving-childrens-services"),
                        notInForce("health-norfolk", "receiving-area-health"), notInForce("vs-suffolk", "responsible-virtual-school"),
                        notInForce("police-norfolk", "receiving-police-when-at-risk")),
                row("placement decided on the last evening of the agreement (England time)",
                        PLACEMENT, List.of(), Instant.parse("2028-12-31T23:30:00Z"), csNorfolk, healthNorfolk, vsSuffolk,
                        deny("police-norfolk", "condition-not-met", PLACEMENT_AGREEMENT, "receiving-police-when-at-risk")),
                row("care leaver with consent, decided in 2029", CARE_LEAVER, List.of(CARE_LEAVER_GIVEN), Instant.parse("2029-03-01T12:00:00Z"),
                        new Expect("cs-suffolk", Outcome.DENY, "agreement-not-in-force", CARE_LEAVER_AGREEMENT, "former-responsible-authority", null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(Row row) {
        DecisionEngine engine = RealConfig.engine(agreements, registry, new InMemoryConsents(row.consents.toArray(ConsentRecord[]::new)));

        List<Decision> decisions = engine.decide(RealConfig.facts(RealConfig.exampleBundle(row.example), registry, row.at));

        assertThat(decisions).extracting(d -> d.recipient().id())
                .as("candidate recipients (no others: not the sender, not other areas)")
                .containsExactlyInAnyOrderElementsOf(row.expected.stream().map(Expect::recipient).toList());
        for (Expect expect : row.expected) {
            Decision d = decisions.stream().filter(x -> x.recipient().id().equals(expect.recipient)).findFirst().orElseThrow();
            assertThat(d.outcome()).as(expect.recipient + " outcome").isEqualTo(expect.outcome);
            assertThat(d.reason()).as(expect.recipient + " reason").isEqualTo(expect.reason);
            assertThat(d.agreementId()).as(expect.recipient + " agreement").isEqualTo(expect.agreementId);
            assertThat(d.agreementVersion()).isEqualTo(1);
            assertThat(d.ruleId()).as(expect.recipient + " rule").isEqualTo(expect.ruleId);
            assertThat(d.profile()).as(expect.recipient + " profile").isEqualTo(expect.profile);
            assertThat(d.consentReference()).as(expect.recipient + " consent").isEqualTo(expect.consentReference);
            assertThat(d.shares()).isEqualTo(expect.outcome != Outcome.DENY);
            assertThat(d.lawfulBasis()).startsWith("UK GDPR 6(1)");
            assertExplained(d);
            if (expect.outcome == Outcome.PERMIT_BY_OVERRIDE) {
                assertThat(d.override()).isEqualTo(EXAMPLE_OVERRIDE);
                assertThat(d.explanation()).contains("safeguarding override", "information-governance review")
                        .doesNotContain(EXAMPLE_OVERRIDE.assertedBy(), EXAMPLE_OVERRIDE.reason());
            } else {
                assertThat(d.override()).isNull();
            }
            if (expect.consentReference != null && expect.outcome != Outcome.PERMIT_BY_OVERRIDE) {
                // An override's explanation does not mention a withdrawn or refused consent on record (reported);
                // the reference is in the decision.
                assertThat(d.explanation()).contains(expect.consentReference);
            }
        }
    }

    /** Every explanation is a sentence naming the agreement and the rule. */
    static void assertExplained(Decision d) {
        assertThat(d.explanation()).as("explanation").isNotBlank().contains("'" + d.agreementId() + "'");
        if (!"agreement-not-in-force".equals(d.reason())) {
            assertThat(d.explanation()).contains("rule '" + d.ruleId() + "'");
        } else {
            // The not-in-force explanation names the agreement, version, day and validity, but not the rule
            // (reported as a gap); the rule is still recorded in the decision.
            assertThat(d.ruleId()).isNotBlank();
            assertThat(d.explanation()).contains("is not in force on").contains("2026-01-01 to 2028-12-31");
        }
    }

    // --- the table's vocabulary ---

    record Expect(String recipient, Outcome outcome, String reason, String agreementId, String ruleId, String profile,
                  String consentReference) {

        Expect withConsent(ConsentRecord consent) {
            return new Expect(recipient, outcome, reason, agreementId, ruleId, profile, consent.reference());
        }
    }

    record Row(String name, String example, List<ConsentRecord> consents, Instant at, List<Expect> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, String example, List<ConsentRecord> consents, Instant at, Expect... expected) {
        return new Row(name, example, consents, at, new ArrayList<>(Arrays.asList(expected)));
    }

    static Expect permit(String recipient, String reason, String agreementId, String ruleId, String profile) {
        return new Expect(recipient, Outcome.PERMIT, reason, agreementId, ruleId, profile, null);
    }

    static Expect deny(String recipient, String reason, String agreementId, String ruleId) {
        return new Expect(recipient, Outcome.DENY, reason, agreementId, ruleId, null, null);
    }

    static Expect notInForce(String recipient, String ruleId) {
        return deny(recipient, "agreement-not-in-force", PLACEMENT_AGREEMENT, ruleId);
    }

    static ConsentRecord careLeaverConsent(String id, int version, ConsentState state, String recordedAt) {
        return new ConsentRecord(id, version, NHS, state, Set.of("cs-suffolk"), Set.of(), Set.of("care-leaver-support"),
                Instant.parse("2026-11-02T00:00:00Z"), Instant.parse("2031-11-01T00:00:00Z"), Instant.parse(recordedAt), "cs-suffolk");
    }

    static ConsentRecord liaisonConsent(SubjectIdentifier subject, int version, ConsentState state, String recordedAt) {
        return new ConsentRecord("consent-ld", version, subject, state, Set.of(), Set.of(AgencyKind.YOUTH_JUSTICE),
                Set.of("liaison-and-diversion"), Instant.parse("2026-11-20T00:00:00Z"), null, Instant.parse(recordedAt), "cs-suffolk");
    }
}
