package org.carebridge.security.decision;

import org.carebridge.security.RealConfig;
import org.carebridge.security.RealConfig.InMemoryConsents;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monthly monitoring report agreement with the real configuration: sent by the gateway itself, it goes to the
 * district police leads, the corporate parenting board and the regulator, and to no one else; nobody else may send it;
 * and the oversight partners are candidates for no case-level flow.
 */
class MonthlyMonitoringReportDecisionTest {

    @TempDir
    static Path pkiDir;

    static PartnerRegistry registry;
    static AgreementSet agreements;

    @BeforeAll
    static void load() {
        registry = RealConfig.registry(pkiDir);
        agreements = RealConfig.agreements();
    }

    @Test
    void theGatewaysReportGoesToTheThreeNamedPartnersOnly() {
        List<Decision> decisions = decide(Partner.gateway());

        assertThat(decisions).extracting(d -> d.recipient().id())
                .containsExactlyInAnyOrder("norfolk-police-district-leads", "norfolk-corporate-parenting-board", "ofsted");
        assertThat(decisions).allSatisfy(d -> {
            assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
            assertThat(d.agreementId()).isEqualTo("monthly-monitoring-report");
            assertThat(d.profile()).isEqualTo("monthly-monitoring-report");
            assertThat(d.consentReference()).isNull();
            assertThat(d.lawfulBasis()).contains("6(1)(e)");
        });
    }

    @Test
    void aPartnerCannotSendTheReportToAnyone() {
        assertThat(decide(registry.byId("police-norfolk").orElseThrow())).isEmpty();
        assertThat(decide(registry.byId("cs-norfolk").orElseThrow())).isEmpty();
    }

    @Test
    void theReportRecipientsAreCandidatesForNoCaseLevelFlow() {
        for (String example : List.of("placement-notification.json", "placement-notification-risk-flag.json",
                "care-leaver-police-contact.json", "liaison-diversion-health-summary.json")) {
            List<Decision> decisions = RealConfig.engine(agreements, registry, new InMemoryConsents())
                    .decide(RealConfig.facts(RealConfig.exampleBundle(example), registry, Instant.parse("2026-11-20T12:00:00Z")));
            assertThat(decisions).as(example).extracting(d -> d.recipient().kind())
                    .doesNotContain(AgencyKind.OVERSIGHT, AgencyKind.REGULATOR);
        }
    }

    private static List<Decision> decide(Partner sender) {
        Bundle bundle = new Bundle();
        bundle.setId("report-2024-02");
        bundle.setType(Bundle.BundleType.MESSAGE);
        MessageHeader header = new MessageHeader();
        header.setEvent(new Coding("https://carebridge.example.org/fhir/CodeSystem/carebridge-event", "monthly-monitoring-report", null));
        header.getSource().setEndpoint(RealConfig.PARTNER_ENDPOINT_PREFIX + sender.id());
        bundle.addEntry().setResource(header);
        bundle.addEntry().setResource(new MeasureReport());
        return RealConfig.engine(agreements, registry, new InMemoryConsents())
                .decide(RealConfig.facts(bundle, sender, Instant.parse("2026-12-01T06:00:00Z")));
    }
}
