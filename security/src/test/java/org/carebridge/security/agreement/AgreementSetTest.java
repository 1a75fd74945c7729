package org.carebridge.security.agreement;

import org.carebridge.security.RealConfig;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class AgreementSetTest {

    private static final String SUFFOLK = "E10000029";
    private static final String NORFOLK = "E10000020";
    private static final LocalDate DAY = LocalDate.of(2026, 11, 20);

    @TempDir
    static Path pkiDir;

    static PartnerRegistry registry;
    static AgreementSet realAgreements;

    @BeforeAll
    static void loadRealConfiguration() {
        registry = RealConfig.registry(pkiDir);
        realAgreements = new AgreementLoader(RealConfig.events().codes()).load(RealConfig.agreementsDir());
    }

    @Test
    void theRealPartnersAreRegistered() {
        assertThat(registry.all()).hasSize(8);
        Partner sender = partner("cs-suffolk");
        assertThat(sender.kind()).isEqualTo(AgencyKind.CHILDRENS_SERVICES);
        assertThat(sender.area()).isEqualTo(SUFFOLK);
    }

    @Test
    void aSuffolkChildPlacedInNorfolkIsSharedWithNorfolkAgenciesAndTheSuffolkVirtualSchool() {
        List<Recipient> recipients = realAgreements.recipients(placement(SUFFOLK, NORFOLK), registry, DAY);

        assertThat(recipients).extracting(r -> r.partner().id(), Recipient::agreementId, Recipient::agreementVersion, Recipient::ruleId)
                .containsExactlyInAnyOrder(
                        tuple("cs-norfolk", "placement-notification", 1, "receiving-childrens-services"),
                        tuple("health-norfolk", "placement-notification", 1, "receiving-area-health"),
                        tuple("vs-suffolk", "placement-notification", 1, "responsible-virtual-school"));
        assertThat(recipients).extracting(r -> r.partner().id()).doesNotContain("police-norfolk", "cs-suffolk");
    }

    @Test
    void theSenderIsNeverARecipientOfItsOwnMessage() {
        List<Recipient> recipients = realAgreements.recipients(placement(SUFFOLK, SUFFOLK), registry, DAY);

        assertThat(recipients).extracting(r -> r.partner().id()).containsExactlyInAnyOrder("health-suffolk", "vs-suffolk");
    }

    @Test
    void withoutAReceivingAreaOnlyTheResponsibleVirtualSchoolIsTold() {
        List<Recipient> recipients = realAgreements.recipients(placement(SUFFOLK, null), registry, DAY);

        assertThat(recipients).extracting(r -> r.partner().id()).containsExactly("vs-suffolk");
    }

    @Test
    void anEventWithoutARuleIsSharedWithNobody() {
        MessageFacts custody = new MessageFacts("custody-notification", partner("cs-suffolk"), SUFFOLK, NORFOLK);

        assertThat(realAgreements.recipients(custody, registry, DAY)).isEmpty();
    }

    @Test
    void aSenderOfAnotherKindIsSharedWithNobody() {
        MessageFacts fromPolice = new MessageFacts("placement-notification", partner("police-norfolk"), SUFFOLK, NORFOLK);

        assertThat(realAgreements.recipients(fromPolice, registry, DAY)).isEmpty();
    }

    @Test
    void noAgreementsMeansNoShares() {
        assertThat(new AgreementSet(List.of()).recipients(placement(SUFFOLK, NORFOLK), registry, DAY)).isEmpty();
    }

    @Test
    void anAgreementNotYetInForceOrExpiredSharesNothing() {
        assertThat(realAgreements.recipients(placement(SUFFOLK, NORFOLK), registry, LocalDate.of(2025, 12, 31))).isEmpty();
        assertThat(realAgreements.recipients(placement(SUFFOLK, NORFOLK), registry, LocalDate.of(2029, 1, 1))).isEmpty();
    }

    @Test
    void theFirstAndLastDaysOfValidityAreInForce() {
        assertThat(realAgreements.recipients(placement(SUFFOLK, NORFOLK), registry, LocalDate.of(2026, 1, 1))).hasSize(3);
        assertThat(realAgreements.recipients(placement(SUFFOLK, NORFOLK), registry, LocalDate.of(2028, 12, 31))).hasSize(3);
    }

    @Test
    void validityIsJudgedOnTheGivenDay() {
        LocalDate today = LocalDate.now();
        AgreementSet future = new AgreementSet(List.of(placementAgreement(today.plusDays(1), null)));
        AgreementSet expired = new AgreementSet(List.of(placementAgreement(null, today.minusDays(1))));
        AgreementSet current = new AgreementSet(List.of(placementAgreement(today, today)));

        assertThat(future.recipients(placement(SUFFOLK, NORFOLK), registry, today)).isEmpty();
        assertThat(expired.recipients(placement(SUFFOLK, NORFOLK), registry, today)).isEmpty();
        assertThat(current.recipients(placement(SUFFOLK, NORFOLK), registry, today)).extracting(r -> r.partner().id())
                .containsExactly("cs-norfolk");
    }

    @Test
    void aPartnerAllowedByTwoRulesIsListedOnceUnderTheFirst() {
        SharingRule first = new SharingRule("first", "placement-notification",
                AgencyKind.CHILDRENS_SERVICES, AgencyKind.CHILDRENS_SERVICES, AreaRole.RECEIVING);
        SharingRule second = new SharingRule("second", "placement-notification",
                AgencyKind.CHILDRENS_SERVICES, AgencyKind.CHILDRENS_SERVICES, AreaRole.ANY);
        AgreementSet set = new AgreementSet(List.of(new Agreement("a", 1, "A", null, null, null, null, List.of(first, second), "test")));

        List<Recipient> recipients = set.recipients(placement(SUFFOLK, NORFOLK), registry, DAY);

        assertThat(recipients).extracting(r -> r.partner().id(), Recipient::ruleId).containsExactly(tuple("cs-norfolk", "first"));
    }

    private static Agreement placementAgreement(LocalDate from, LocalDate until) {
        SharingRule rule = new SharingRule("cs", "placement-notification",
                AgencyKind.CHILDRENS_SERVICES, AgencyKind.CHILDRENS_SERVICES, AreaRole.RECEIVING);
        return new Agreement("dated", 1, "Dated", null, null, from, until, List.of(rule), "test");
    }

    private static MessageFacts placement(String responsibleArea, String receivingArea) {
        return new MessageFacts("placement-notification", partner("cs-suffolk"), responsibleArea, receivingArea);
    }

    private static Partner partner(String id) {
        return registry.byId(id).orElseThrow();
    }
}
