package org.carebridge.security.decision;

import org.carebridge.security.WithRealConfiguration;
import org.carebridge.security.RealConfig;
import org.carebridge.security.RealConfig.InMemoryConsents;
import org.carebridge.security.minimisation.CopyMinimiser;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Location;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision table of the flows beyond placement, care leavers and Liaison and Diversion: each example message
 * (sometimes sent by another partner, or changed), decided with the real agreements, partners and profiles; the
 * decision for every candidate recipient (and no other), and what each permitted copy keeps and drops.
 */
class FlowDecisionTableTest extends WithRealConfiguration {

    static final Instant AT = Instant.parse("2026-11-20T12:00:00Z");
    static final String NEVER_SHARED = "Never shared";
    static final java.util.Set<String> SAFEGUARDING_FLOWS = java.util.Set.of("custody-notification", "missing-episode", "mash-referral");


    static Stream<Row> table() {
        return Stream.of(
                // Golden Hour: the custody area's front door and Liaison and Diversion; the responsible authority when out of area.
                row("custody: Suffolk child placed in Norfolk, detained by Norfolk police", "custody-notification.json",
                        permit("mash-norfolk", "custody-notification", "custody-area-advice-and-duty", "custody-childrens-services")
                                .keeps("NC-2026-11-0457", "SC480321", "child-exploitation")
                                // the arrest reason is the officer's free text (Encounter.reasonCode.text), not a code
                                .drops("criminal damage"),
                        permit("health-norfolk", "custody-notification", "custody-area-liaison-diversion", "custody-liaison-diversion")
                                .keeps("2026-11-21T19:40:00+00:00", "child-exploitation").drops("criminal damage", "SC480321", "Norwich\""),
                        permit("cs-suffolk", "custody-notification", "responsible-authority-out-of-area", "custody-childrens-services")
                                .keeps("E10000020").drops("criminal damage")),
                row("custody: the same child detained by Suffolk police, in the responsible authority's own area", "custody-notification.json")
                        .sentBy("police-suffolk").expect(
                        permit("mash-suffolk", "custody-notification", "custody-area-advice-and-duty", "custody-childrens-services"),
                        permit("health-suffolk", "custody-notification", "custody-area-liaison-diversion", "custody-liaison-diversion"),
                        // Still placed out of area (in Norfolk): the responsible authority hears, as the protocol asks.
                        permit("cs-suffolk", "custody-notification", "responsible-authority-out-of-area", "custody-childrens-services")),
                row("custody: Norfolk child placed in Norfolk, detained in Norfolk", "custody-notification-local.json",
                        permit("mash-norfolk", "custody-notification", "custody-area-advice-and-duty", "custody-childrens-services"),
                        permit("health-norfolk", "custody-notification", "custody-area-liaison-diversion", "custody-liaison-diversion"),
                        deny("cs-norfolk", "condition-not-met", "custody-notification", "responsible-authority-out-of-area")),
                row("custody: Norfolk child placed in Norfolk, detained by Suffolk police", "custody-notification-local.json")
                        .sentBy("police-suffolk").expect(
                        permit("mash-suffolk", "custody-notification", "custody-area-advice-and-duty", "custody-childrens-services"),
                        permit("health-suffolk", "custody-notification", "custody-area-liaison-diversion", "custody-liaison-diversion"),
                        permit("cs-norfolk", "custody-notification", "responsible-authority-out-of-area", "custody-childrens-services")),
                row("custody: a message that names no placing authority or placement is judged in the custody area", "custody-notification.json")
                        .changed(FlowDecisionTableTest::withoutCareDetails).expect(
                        permit("mash-norfolk", "custody-notification", "custody-area-advice-and-duty", "custody-childrens-services"),
                        permit("health-norfolk", "custody-notification", "custody-area-liaison-diversion", "custody-liaison-diversion"),
                        deny("cs-norfolk", "condition-not-met", "custody-notification", "responsible-authority-out-of-area")),

                // Out-of-area justice contact: to the responsible (placing) authority found in the message.
                row("out-of-area contact: Norfolk police, Suffolk child placed in Norfolk", "out-of-area-justice-contact.json",
                        permit("cs-suffolk", "out-of-area-justice-contact", "responsible-authority-from-police", "out-of-area-responsible-authority")
                                .keeps("community-resolution", "SC480321", "E10000020").drops("Damage to property")),
                row("out-of-area contact: Suffolk youth justice, Norfolk child placed in Suffolk", "out-of-area-justice-contact-youth-justice.json",
                        permit("cs-norfolk", "out-of-area-justice-contact", "responsible-authority-from-youth-justice", "out-of-area-responsible-authority")
                                .keeps("outcome-22", "E10000029")),
                row("out-of-area contact: Norfolk child placed in Norfolk is not out of area", "out-of-area-justice-contact-in-area.json",
                        deny("cs-norfolk", "condition-not-met", "out-of-area-justice-contact", "responsible-authority-from-police")),
                row("out-of-area contact: Suffolk police about a Norfolk child placed in Norfolk", "out-of-area-justice-contact-in-area.json")
                        .sentBy("police-suffolk").expect(
                        permit("cs-norfolk", "out-of-area-justice-contact", "responsible-authority-from-police", "out-of-area-responsible-authority")),

                // Missing: police when reported to them; responsible and receiving authorities always.
                row("missing: reported to the police", "missing-episode.json",
                        permit("police-norfolk", "missing-episode", "police-when-reported-missing", "missing-episode-police")
                                .keeps("NC-MISS-2026-0912", "high-risk-missing", "SC480321", "2026-11-18T22:15:00+00:00")
                                .drops("Looked-after child"),
                        permit("cs-norfolk", "missing-episode", "receiving-authority", "missing-episode-childrens-services")
                                .keeps("high-risk-missing").drops("Looked-after child")),
                row("missing: not reported to the police", "missing-episode-not-reported.json",
                        deny("police-norfolk", "condition-not-met", "missing-episode", "police-when-reported-missing"),
                        permit("cs-norfolk", "missing-episode", "receiving-authority", "missing-episode-childrens-services")),
                row("missing: reported by the receiving authority, so the responsible authority is told", "missing-episode.json")
                        .sentBy("cs-norfolk").expect(
                        permit("police-norfolk", "missing-episode", "police-when-reported-missing", "missing-episode-police"),
                        permit("cs-suffolk", "missing-episode", "responsible-authority", "missing-episode-childrens-services")),

                // Return home interview: the child's own words stay with the interviewer.
                row("return home interview after a police missing report", "return-home-interview.json",
                        permit("police-norfolk", "return-home-interview", "police-missing-persons-team", "return-home-interview-police")
                                .keeps("child-exploitation-concern", "placement-push-factor", "2026-11-19T15:30:00+00:00", "NC-MISS-2026-0912")
                                .drops("own words", "SC480321"),
                        permit("cs-suffolk", "return-home-interview", "responsible-authority", "return-home-interview-childrens-services")
                                .keeps("child-exploitation-concern", "SC480321").drops("own words")),
                row("return home interview, never reported to the police", "return-home-interview-not-reported.json",
                        deny("police-norfolk", "condition-not-met", "return-home-interview", "police-missing-persons-team"),
                        permit("cs-suffolk", "return-home-interview", "responsible-authority", "return-home-interview-childrens-services")
                                .keeps("no-risk-identified")),

                // Prosecution file: the assessment of needs only if the child wishes it to be considered.
                row("prosecution file, the child wishes the assessment of needs considered", "prosecution-file-checklist.json",
                        permit("police-norfolk", "prosecution-file-checklist", "police-file-with-needs-assessment",
                                "prosecution-file-police-with-needs-assessment")
                                .keeps("\"CarePlan\"", "la-needs-assessment", "behaviour-policy", "NC-36-2026-112233")
                                .drops("child-wishes-it-considered")),
                row("prosecution file, the child does not wish it: the checklist goes without the assessment", "prosecution-file-checklist-not-wished.json",
                        permit("police-norfolk", "prosecution-file-checklist", "police-file", "prosecution-file-police")
                                .keeps("behaviour-policy", "child-explanation", "DocumentReference").drops("\"CarePlan\"", "assessment of the child's needs")),
                row("prosecution file whose wish is unrecorded: as if not wished", "prosecution-file-checklist.json")
                        .changed(FlowDecisionTableTest::withoutWish).expect(
                        permit("police-norfolk", "prosecution-file-checklist", "police-file", "prosecution-file-police").drops("\"CarePlan\"")),

                // Diversion panel: police and children's services of the panel's area, and the responsible authority.
                row("diversion panel outcome for a child placed out of area", "diversion-panel-outcome.json",
                        permit("police-norfolk", "diversion-panel-outcome", "panel-police", "diversion-panel-police")
                                .keeps("outcome-22", "NC-36-2026-112233").drops("SC480321", "406506008", "Looked-after child"),
                        permit("cs-norfolk", "diversion-panel-outcome", "panel-childrens-services", "diversion-panel-childrens-services")
                                .keeps("outcome-22", "SC480321").drops("406506008"),
                        permit("cs-suffolk", "diversion-panel-outcome", "responsible-authority", "diversion-panel-childrens-services")
                                .keeps("outcome-22")),
                row("diversion panel outcome for a local child: one copy for the local authority", "diversion-panel-outcome-local.json",
                        permit("police-norfolk", "diversion-panel-outcome", "panel-police", "diversion-panel-police").keeps("community-resolution"),
                        permit("cs-norfolk", "diversion-panel-outcome", "panel-childrens-services", "diversion-panel-childrens-services")),

                // Education: children's services always, youth justice on exclusion or missing education.
                row("education update: a suspension", "education-update.json",
                        permit("cs-suffolk", "education-update", "responsible-childrens-services", "education-update-childrens-services")
                                .keeps("suspension", "Example Academy").drops("195967001"),
                        permit("yjs-suffolk", "education-update", "youth-justice-on-exclusion-or-missing-education", "education-update-youth-justice")
                                .keeps("suspension", "2026-11-23").drops("195967001", "female", "Example Academy", "121234")),
                row("education update: a school move is not for the youth justice service", "education-update-school-move.json",
                        permit("cs-suffolk", "education-update", "responsible-childrens-services", "education-update-childrens-services"),
                        deny("yjs-suffolk", "condition-not-met", "education-update", "youth-justice-on-exclusion-or-missing-education")),

                // MASH referral: the safeguarding hub of the referring force's area.
                row("MASH referral by Norfolk police", "mash-referral.json",
                        permit("mash-norfolk", "mash-referral", "area-safeguarding-hub", "mash-referral")
                                .keeps("C39D-2026-55012", "two phones", "child-exploitation", "routine")),
                row("urgent MASH referral by Suffolk police", "mash-referral-urgent.json",
                        permit("mash-suffolk", "mash-referral", "area-safeguarding-hub", "mash-referral").keeps("urgent", "self-harm")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decidesAndMinimises(Row row) {
        DecisionEngine engine = RealConfig.engine(agreements, registry, new InMemoryConsents());
        Bundle bundle = RealConfig.exampleBundle(row.example);
        row.changes.forEach(c -> c.accept(bundle));
        Partner sender = row.sender == null ? RealConfig.facts(bundle, registry, AT).sender() : registry.byId(row.sender).orElseThrow();

        List<Decision> decisions = engine.decide(RealConfig.facts(bundle, sender, AT));

        assertThat(decisions).extracting(d -> d.recipient().id())
                .as("candidate recipients (no others: not the sender, not other areas)")
                .containsExactlyInAnyOrderElementsOf(row.expected.stream().map(Expect::recipient).toList());
        byte[] body = RealConfig.fhir().newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
        for (Expect expect : row.expected) {
            Decision d = decisions.stream().filter(x -> x.recipient().id().equals(expect.recipient)).findFirst().orElseThrow();
            assertThat(d.outcome()).as(expect.recipient + " outcome: " + d.explanation()).isEqualTo(expect.outcome);
            assertThat(d.reason()).as(expect.recipient + " reason").isEqualTo(expect.reason);
            assertThat(d.agreementId()).as(expect.recipient + " agreement").isEqualTo(expect.agreement);
            assertThat(d.ruleId()).as(expect.recipient + " rule").isEqualTo(expect.rule);
            assertThat(d.profile()).as(expect.recipient + " profile").isEqualTo(expect.profile);
            assertThat(d.consentReference()).isNull();
            assertThat(d.override()).isNull();
            assertThat(d.lawfulBasis()).startsWith("UK GDPR 6(1)");
            if (SAFEGUARDING_FLOWS.contains(row.event(bundle))) {
                // FLOWS.md: shared without consent to protect a child, and the decision must say so.
                assertThat(d.lawfulBasis()).contains("safeguarding of children");
            }
            DecisionTableTest.assertExplained(d);
            if (expect.outcome == Outcome.PERMIT) {
                assertThat(d.explanation()).contains("consent is not required");
                String copy = new String(RealConfig.minimiser().minimise(body, RealConfig.profiles().get(d.profile()).orElseThrow()),
                        StandardCharsets.UTF_8);
                assertThat(copy).as(expect.recipient + "'s copy").doesNotContain(NEVER_SHARED)
                        .doesNotContain("UKCore-EthnicCategory").contains("\"" + row.event(bundle) + "\"");
                expect.keeps.forEach(k -> assertThat(copy).as(expect.recipient + "'s copy keeps").contains(k));
                expect.drops.forEach(k -> assertThat(copy).as(expect.recipient + "'s copy drops").doesNotContain(k));
            } else {
                assertThat(d.explanation()).contains("applies only when");
            }
        }
        // What the minimiser drops is really in the message: the checks above are not vacuous.
        String original = new String(body, StandardCharsets.UTF_8);
        row.expected.forEach(e -> e.drops.forEach(k -> assertThat(original).as("the message carries what is dropped").contains(k)));
    }

    static void withoutCareDetails(Bundle bundle) {
        bundle.getEntry().removeIf(e -> e.getResource() instanceof Location
                || e.getResource() instanceof org.hl7.fhir.r4.model.EpisodeOfCare);
    }

    static void withoutWish(Bundle bundle) {
        bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(org.hl7.fhir.r4.model.CarePlan.class::isInstance)
                .forEach(r -> ((org.hl7.fhir.r4.model.CarePlan) r).getExtension().clear());
    }

    // --- the table's vocabulary ---

    static final class Row {
        final String name;
        final String example;
        String sender;
        final List<Consumer<Bundle>> changes = new ArrayList<>();
        final List<Expect> expected = new ArrayList<>();

        Row(String name, String example) {
            this.name = name;
            this.example = example;
        }

        Row sentBy(String partnerId) {
            sender = partnerId;
            return this;
        }

        Row changed(Consumer<Bundle> change) {
            changes.add(change);
            return this;
        }

        Row expect(Expect... expects) {
            expected.addAll(List.of(expects));
            return this;
        }

        String event(Bundle bundle) {
            return ((org.hl7.fhir.r4.model.MessageHeader) bundle.getEntryFirstRep().getResource()).getEventCoding().getCode();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final class Expect {
        final String recipient;
        final Outcome outcome;
        final String reason;
        final String agreement;
        final String rule;
        final String profile;
        final List<String> keeps = new ArrayList<>();
        final List<String> drops = new ArrayList<>();

        Expect(String recipient, Outcome outcome, String reason, String agreement, String rule, String profile) {
            this.recipient = recipient;
            this.outcome = outcome;
            this.reason = reason;
            this.agreement = agreement;
            this.rule = rule;
            this.profile = profile;
        }

        String recipient() {
            return recipient;
        }

        Expect keeps(String... texts) {
            keeps.addAll(List.of(texts));
            return this;
        }

        Expect drops(String... texts) {
            drops.addAll(List.of(texts));
            return this;
        }
    }

    static Row row(String name, String example, Expect... expected) {
        return new Row(name, example).expect(expected);
    }

    static Expect permit(String recipient, String agreement, String rule, String profile) {
        return new Expect(recipient, Outcome.PERMIT, "permitted", agreement, rule, profile);
    }

    static Expect deny(String recipient, String reason, String agreement, String rule) {
        return new Expect(recipient, Outcome.DENY, reason, agreement, rule, null);
    }
}
