package org.carebridge.security.fhir;

import org.carebridge.security.RealConfig;
import org.carebridge.security.partner.AgencyKind;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The code systems shipped in config/fhir say what the configuration and the code use, no more and no less. */
class GatewayCodeSystemsTest {

    private static final String BASE = "https://carebridge.example.org/fhir/CodeSystem/";

    @Test
    void theSharingPurposesAreTheRulesPurposes() {
        assertThat(codes("sharing-purpose")).isEqualTo(RealConfig.agreements().agreements().stream()
                .flatMap(a -> a.rules().stream()).map(r -> r.purpose()).collect(Collectors.toSet()));
    }

    @Test
    void theAgencyKindsAreThePartnerKinds() {
        assertThat(codes("agency-kind")).isEqualTo(Arrays.stream(AgencyKind.values()).map(AgencyKind::code).collect(Collectors.toSet()));
    }

    @Test
    void aDisplayIsTheShippedOneAndOnlyForTheGatewaysOwnSystems() {
        GatewayCodeSystems systems = RealConfig.codeSystems();

        assertThat(systems.display(BASE + "risk-flag", "child-exploitation")).contains("Child exploitation risk");
        assertThat(systems.display(BASE + "risk-flag", "no-such-code")).isEmpty();
        assertThat(systems.isGatewaySystem("http://snomed.info/sct")).isFalse();
        assertThat(systems.all()).extracting(CodeSystem::getUrl).contains(BASE + "sharing-purpose", BASE + "agency-kind",
                BASE + "clock-state", BASE + "clock-rule", BASE + "monitoring-measure", BASE + "monitoring-stratifier");
    }

    private static Set<String> codes(String id) {
        return RealConfig.codeSystems().all().stream().filter(c -> c.getUrl().equals(BASE + id)).findFirst().orElseThrow()
                .getConcept().stream().map(CodeSystem.ConceptDefinitionComponent::getCode).collect(Collectors.toSet());
    }
}
