package org.carebridge.security.decision;

import org.carebridge.security.WithRealConfiguration;
import org.carebridge.security.RealConfig;
import org.carebridge.security.RealConfig.InMemoryConsents;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.consent.ConsentLookup;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.fhir.MessageAreas;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Who is a candidate recipient at all: deny by default, the sender never, areas matched explicitly. */
class DecisionEngineTest extends WithRealConfiguration {

    static final Instant AT = DecisionTableTest.AT;
    static final String SUFFOLK = "E10000029";
    static final String NORFOLK = "E10000020";


    @Test
    void theRealPartnersAreRegistered() {
        assertThat(registry.all()).hasSize(18);
        Partner sender = partner("cs-suffolk");
        assertThat(sender.area()).isEqualTo(SUFFOLK);
        assertThat(registry.certificate("cs-suffolk")).isNotNull();
    }

    @Test
    void theFactsAreReadFromTheMessageAsTheRoutesModuleDoes() {
        MessageFacts facts = RealConfig.facts(placement(), registry, AT);

        assertThat(facts.event()).isEqualTo("placement-notification");
        assertThat(facts.sender().id()).isEqualTo("cs-suffolk");
        assertThat(facts.responsibleArea()).isEqualTo(SUFFOLK);
        assertThat(facts.receivingArea()).isEqualTo(NORFOLK);
        assertThat(facts.subjects()).containsExactly(DecisionTableTest.NHS, DecisionTableTest.SUFFOLK_CHILD);
        assertThat(facts.override()).isNull();
    }

    @Test
    void aChildPlacedInTheirOwnAreaIsNotSentBackToTheSender() {
        Bundle bundle = placement();
        location(bundle).getAddress().getExtensionByUrl(MessageAreas.AREA_EXTENSION).setValue(new CodeType(SUFFOLK));

        List<Decision> decisions = decide(bundle, partner("cs-suffolk"));

        assertThat(decisions).extracting(d -> d.recipient().id())
                .containsExactlyInAnyOrder("health-suffolk", "vs-suffolk", "police-suffolk")
                .doesNotContain("cs-suffolk");
        assertThat(decisions).filteredOn(d -> !d.recipient().id().equals("police-suffolk")).allMatch(Decision::shares);
        assertThat(decisions).filteredOn(d -> d.recipient().id().equals("police-suffolk"))
                .singleElement().satisfies(d -> assertThat(d.reason()).isEqualTo("condition-not-met"));
    }

    @Test
    void withoutAReceivingAreaOnlyTheResponsibleVirtualSchoolIsACandidate() {
        Bundle bundle = placement();
        bundle.getEntry().removeIf(e -> e.getResource() instanceof Location);

        assertThat(decide(bundle, partner("cs-suffolk"))).extracting(d -> d.recipient().id()).containsExactly("vs-suffolk");
    }

    @Test
    void withoutAResponsibleAuthorityTheSendersAreaIsResponsible() {
        Bundle bundle = placement();
        bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(EpisodeOfCare.class::isInstance)
                .map(EpisodeOfCare.class::cast).forEach(e -> e.setManagingOrganization(null));

        List<Decision> fromNorfolk = decide(bundle, partner("cs-norfolk"));

        assertThat(fromNorfolk).extracting(d -> d.recipient().id())
                .containsExactlyInAnyOrder("health-norfolk", "vs-norfolk", "police-norfolk");
    }

    @Test
    void anEventWithoutARuleIsSharedWithNobody() {
        Bundle bundle = placement();
        ((MessageHeader) bundle.getEntryFirstRep().getResource()).getEventCoding().setCode("custody-notification");

        assertThat(decide(bundle, partner("cs-suffolk"))).isEmpty();
    }

    @Test
    void aSenderOfAnotherKindIsSharedWithNobody() {
        assertThat(decide(placement(), partner("police-norfolk"))).isEmpty();
        assertThat(decide(placement(), partner("health-suffolk"))).isEmpty();
    }

    @Test
    void noAgreementsMeansNoCandidates() {
        DecisionEngine engine = RealConfig.engine(new AgreementSet(List.of()), registry, failingLookup());

        assertThat(engine.decide(RealConfig.facts(placement(), registry, AT))).isEmpty();
    }

    @Test
    void consentIsNotLookedUpWhenNoRuleNeedsIt() {
        DecisionEngine engine = RealConfig.engine(agreements, registry, failingLookup());

        assertThat(engine.decide(RealConfig.facts(placement(), registry, AT))).hasSize(4);
    }

    @Test
    void consentIsLookedUpOnceWithEveryIdentifierOfTheSubject() {
        List<Collection<SubjectIdentifier>> asked = new ArrayList<>();
        ConsentLookup lookup = subjects -> {
            asked.add(List.copyOf(subjects));
            return List.of();
        };
        DecisionEngine engine = RealConfig.engine(agreements, registry, lookup);

        engine.decide(RealConfig.facts(RealConfig.exampleBundle("care-leaver-police-contact.json"), registry, AT));

        assertThat(asked).singleElement().satisfies(s -> assertThat(s).containsExactly(
                new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765919"),
                new SubjectIdentifier(SubjectIdentifier.LA_CHILD_ID_PREFIX + "E10000029", "SCC-000456")));
    }

    @Test
    void consentIsNotLookedUpForAnAgreementNotInForce() {
        DecisionEngine engine = RealConfig.engine(agreements, registry, failingLookup());

        List<Decision> decisions = engine.decide(RealConfig.facts(RealConfig.exampleBundle("care-leaver-police-contact.json"),
                registry, Instant.parse("2029-03-01T12:00:00Z")));

        assertThat(decisions).extracting(Decision::reason).containsExactly("agreement-not-in-force");
    }

    @Test
    void theAgreementsAreReadAfreshForEveryDecision() {
        AtomicReference<AgreementSet> current = new AtomicReference<>(new AgreementSet(List.of()));
        DecisionEngine engine = new DecisionEngine(current::get, registry, new InMemoryConsents(), RealConfig.fhir());
        MessageFacts facts = RealConfig.facts(placement(), registry, AT);

        assertThat(engine.decide(facts)).isEmpty();
        current.set(agreements);
        assertThat(engine.decide(facts)).hasSize(4);
    }

    private List<Decision> decide(Bundle bundle, Partner sender) {
        return RealConfig.engine(agreements, registry, new InMemoryConsents()).decide(RealConfig.facts(bundle, sender, AT));
    }

    private static ConsentLookup failingLookup() {
        return subjects -> {
            throw new AssertionError("consent looked up although no rule in force needs it");
        };
    }

    private static Bundle placement() {
        return RealConfig.exampleBundle("placement-notification.json");
    }

    private static Location location(Bundle bundle) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Location.class::isInstance)
                .map(Location.class::cast).findFirst().orElseThrow();
    }

    private static Partner partner(String id) {
        return registry.byId(id).orElseThrow();
    }
}
