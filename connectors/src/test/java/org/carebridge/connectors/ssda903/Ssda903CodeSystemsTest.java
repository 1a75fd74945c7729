package org.carebridge.connectors.ssda903;

import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CodeSystems published in config/fhir list every code of every collection year's list, naming its years. */
class Ssda903CodeSystemsTest {

    private static final Map<String, String> SYSTEMS = Map.of("RNE", "ssda903-reason-new-episode", "LS", "ssda903-legal-status",
            "CIN", "ssda903-category-of-need", "PLACE", "ssda903-placement", "PLACE_PROVIDER", "ssda903-placement-provider",
            "MISSING", "ssda903-missing");

    @Test
    void everyYearsCodesArePublishedWithTheirYears() throws IOException {
        for (Map.Entry<String, String> system : SYSTEMS.entrySet()) {
            CodeSystem published = Ssda903Fixtures.FHIR.newJsonParser().parseResource(CodeSystem.class,
                    Files.readString(Ssda903Fixtures.CONFIG.resolve("fhir/CodeSystem-" + system.getValue() + ".json")));
            assertThat(published.getUrl()).isEqualTo(Ssda903Mapper.CB + "/CodeSystem/" + system.getValue());
            for (String year : Ssda903Fixtures.YEARS.names()) {
                CollectionYear list = Ssda903Fixtures.YEARS.year(year).orElseThrow();
                list.codes().get(system.getKey()).keySet().forEach(code -> {
                    CodeSystem.ConceptDefinitionComponent concept = published.getConcept().stream()
                            .filter(c -> c.getCode().equals(code)).findFirst().orElseThrow(() -> new AssertionError(system + " " + code));
                    assertThat(concept.getPropertyFirstRep().getValue().primitiveValue()).as(system.getKey() + " " + code).contains(year);
                });
            }
        }
    }
}
