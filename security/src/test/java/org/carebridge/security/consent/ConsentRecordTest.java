package org.carebridge.security.consent;

import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConsentRecordTest {

    private static final SubjectIdentifier NHS = new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765919");
    private static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
    private static final Instant END = Instant.parse("2031-11-01T00:00:00Z");
    private static final Partner CS_SUFFOLK = partner("cs-suffolk", AgencyKind.CHILDRENS_SERVICES);
    private static final Partner CS_NORFOLK = partner("cs-norfolk", AgencyKind.CHILDRENS_SERVICES);
    private static final Partner POLICE = partner("police-norfolk", AgencyKind.POLICE);

    @Test
    void coversTheNamedPartnerForItsPurposeWithinItsPeriod() {
        ConsentRecord consent = consent(Set.of("cs-suffolk"), Set.of(), Set.of("care-leaver-support"));

        assertThat(consent.covers(CS_SUFFOLK, "care-leaver-support", Instant.parse("2026-11-20T12:00:00Z"))).isTrue();
        assertThat(consent.covers(CS_NORFOLK, "care-leaver-support", Instant.parse("2026-11-20T12:00:00Z"))).isFalse();
        assertThat(consent.covers(CS_SUFFOLK, "placement-notification", Instant.parse("2026-11-20T12:00:00Z"))).isFalse();
    }

    @Test
    void thePeriodIncludesItsStartAndExcludesItsEnd() {
        ConsentRecord consent = consent(Set.of("cs-suffolk"), Set.of(), Set.of());

        assertThat(consent.covers(CS_SUFFOLK, "x", START.minusSeconds(1))).isFalse();
        assertThat(consent.covers(CS_SUFFOLK, "x", START)).isTrue();
        assertThat(consent.covers(CS_SUFFOLK, "x", END.minusSeconds(1))).isTrue();
        assertThat(consent.covers(CS_SUFFOLK, "x", END)).isFalse();
    }

    @Test
    void anAgencyKindCoversEveryPartnerOfThatKind() {
        ConsentRecord consent = consent(Set.of(), Set.of(AgencyKind.CHILDRENS_SERVICES), Set.of("care-leaver-support"));

        assertThat(consent.covers(CS_SUFFOLK, "care-leaver-support", START)).isTrue();
        assertThat(consent.covers(CS_NORFOLK, "care-leaver-support", START)).isTrue();
        assertThat(consent.covers(POLICE, "care-leaver-support", START)).isFalse();
    }

    @Test
    void noPurposesMeansAnyPurpose() {
        assertThat(consent(Set.of("cs-suffolk"), Set.of(), Set.of()).covers(CS_SUFFOLK, "anything", START)).isTrue();
    }

    @Test
    void anOpenPeriodCoversAnyTime() {
        ConsentRecord open = new ConsentRecord("c", 1, NHS, ConsentState.GIVEN, Set.of("cs-suffolk"), Set.of(), Set.of(),
                null, null, START, "cs-suffolk");

        assertThat(open.covers(CS_SUFFOLK, "x", Instant.parse("1990-01-01T00:00:00Z"))).isTrue();
        assertThat(open.covers(CS_SUFFOLK, "x", Instant.parse("2999-01-01T00:00:00Z"))).isTrue();
    }

    @Test
    void theReferenceNamesTheVersion() {
        ConsentRecord consent = new ConsentRecord("abc", 3, NHS, ConsentState.WITHDRAWN, Set.of(), Set.of(), Set.of(),
                null, null, START, "cs-suffolk");

        assertThat(consent.reference()).isEqualTo("Consent/abc/_history/3");
    }

    @Test
    void theSetsAreCopied() {
        Set<String> partners = new HashSet<>(Set.of("cs-suffolk"));
        ConsentRecord consent = consent(partners, Set.of(), Set.of());

        partners.clear();

        assertThat(consent.partnerIds()).containsExactly("cs-suffolk");
    }

    private static ConsentRecord consent(Set<String> partners, Set<AgencyKind> kinds, Set<String> purposes) {
        return new ConsentRecord("c", 1, NHS, ConsentState.GIVEN, partners, kinds, purposes, START, END, START, "cs-suffolk");
    }

    private static Partner partner(String id, AgencyKind kind) {
        return new Partner(id, id, kind, "E10000029", null, Path.of("unused.pem"));
    }
}
