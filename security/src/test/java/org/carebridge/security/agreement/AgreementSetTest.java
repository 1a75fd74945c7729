package org.carebridge.security.agreement;

import org.carebridge.security.RealConfig;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agreement model: the set, validity, party selectors, lawful basis and the code lists. Decisions: DecisionEngineTest. */
class AgreementSetTest {

    @Test
    void theSetHoldsEveryAgreementLoadedAndCannotBeChanged() {
        AgreementSet set = RealConfig.agreements();

        assertThat(set.agreements()).extracting(Agreement::id)
                .containsExactly("care-leaver-police-contact", "clock-breach-alert", "copy-withdrawal", "custody-notification", "diversion-panel-outcome", "education-update",
                        "liaison-diversion-health-summary", "mash-referral", "missing-episode", "monthly-monitoring-report", "out-of-area-justice-contact",
                        "placement-notification", "prosecution-file-checklist", "return-home-interview");
        assertThatThrownBy(() -> set.agreements().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theSetCopiesTheListItIsGiven() {
        List<Agreement> list = new ArrayList<>(List.of(dated(null, null)));
        AgreementSet set = new AgreementSet(list);

        list.clear();

        assertThat(set.agreements()).hasSize(1);
        assertThat(new AgreementSet(List.of()).agreements()).isEmpty();
    }

    @Test
    void theFirstAndLastDaysOfValidityAreInForce() {
        Agreement a = dated(LocalDate.of(2026, 1, 1), LocalDate.of(2028, 12, 31));

        assertThat(a.inForceOn(LocalDate.of(2025, 12, 31))).isFalse();
        assertThat(a.inForceOn(LocalDate.of(2026, 1, 1))).isTrue();
        assertThat(a.inForceOn(LocalDate.of(2028, 12, 31))).isTrue();
        assertThat(a.inForceOn(LocalDate.of(2029, 1, 1))).isFalse();
        assertThat(a.validity()).isEqualTo("2026-01-01 to 2028-12-31");
    }

    @Test
    void openValidityIsInForceOnEveryDay() {
        Agreement open = dated(null, null);

        assertThat(open.inForceOn(LocalDate.of(1900, 1, 1))).isTrue();
        assertThat(open.inForceOn(LocalDate.of(2999, 12, 31))).isTrue();
        assertThat(open.validity()).isEqualTo("open to open");
    }

    @Test
    void aPartySelectorMatchesByIdOrByKind() {
        Partner csNorfolk = partner("cs-norfolk", AgencyKind.CHILDRENS_SERVICES);
        Partner policeNorfolk = partner("police-norfolk", AgencyKind.POLICE);

        PartySelector byId = new PartySelector("cs-norfolk", null, AreaRole.ANY);
        PartySelector byKind = new PartySelector(null, AgencyKind.POLICE, AreaRole.RECEIVING);

        assertThat(byId.matches(csNorfolk)).isTrue();
        assertThat(byId.matches(policeNorfolk)).isFalse();
        assertThat(byKind.matches(policeNorfolk)).isTrue();
        assertThat(byKind.matches(csNorfolk)).isFalse();
        assertThat(byId.describe()).isEqualTo("partner cs-norfolk");
        assertThat(byKind.describe()).isEqualTo("police (receiving area)");
        assertThat(new PartySelector(null, AgencyKind.HEALTH, AreaRole.ANY).describe()).isEqualTo("health");
    }

    @Test
    void theLawfulBasisSummaryNamesEachPartGiven() {
        assertThat(new LawfulBasis("6(1)(e) public task", "9(2)(h) health or social care", "Schedule 1 Part 1 para 2").summary())
                .isEqualTo("UK GDPR 6(1)(e) public task; 9(2)(h) health or social care; DPA 2018 Schedule 1 Part 1 para 2");
        assertThat(new LawfulBasis("6(1)(a) consent", null, null).summary()).isEqualTo("UK GDPR 6(1)(a) consent");
        assertThat(new LawfulBasis(null, null, null).summary()).isEmpty();
    }

    @Test
    void theCodeListsReadTheirCodes() {
        assertThat(ConsentRequirement.fromCode("not-required")).contains(ConsentRequirement.NOT_REQUIRED);
        assertThat(ConsentRequirement.fromCode("required")).contains(ConsentRequirement.REQUIRED);
        assertThat(ConsentRequirement.fromCode("required-unless-safeguarding")).contains(ConsentRequirement.REQUIRED_UNLESS_SAFEGUARDING);
        assertThat(ConsentRequirement.fromCode("maybe")).isEmpty();
        assertThat(AreaRole.fromCode("receiving")).contains(AreaRole.RECEIVING);
        assertThat(AreaRole.fromCode("everywhere")).isEmpty();
        assertThat(AreaRole.codes()).isEqualTo("[receiving, responsible, sender, any]");
    }

    private static Agreement dated(LocalDate from, LocalDate until) {
        SharingRule rule = new SharingRule("cs", "placement-notification",
                new PartySelector(null, AgencyKind.CHILDRENS_SERVICES, AreaRole.ANY),
                new PartySelector(null, AgencyKind.CHILDRENS_SERVICES, AreaRole.RECEIVING),
                null, null, null, "placement-childrens-services", ConsentRequirement.NOT_REQUIRED, "placement-notification");
        return new Agreement("dated", 1, "Dated", "Testing", List.of(), new LawfulBasis("6(1)(e) public task", null, null),
                from, until, null, Period.ofYears(1), List.of(), List.of(rule), "test");
    }

    private static Partner partner(String id, AgencyKind kind) {
        return new Partner(id, id, kind, "E10000020", null, Path.of("unused.pem"));
    }
}
