package org.carebridge.gateway.report;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The monthly report's measure and stratifier codes, with their displays, are the ones shipped in config/fhir. */
class MonitoringCodeSystemsTest {

    private static final Path FHIR = Path.of("..", "config", "fhir");

    @Test
    void everyMeasureAndFamilyIsInTheMeasureCodeSystemWithItsDisplay() throws Exception {
        CodeSystem codes = read("CodeSystem-monitoring-measure.json");
        assertThat(codes.getUrl()).isEqualTo(MonthlyMeasureReport.MEASURE_SYSTEM);
        List<List<String>> expected = new ArrayList<>();
        Arrays.stream(Measure.values()).forEach(m -> expected.add(List.of(m.code(), m.display())));
        Arrays.stream(Measure.Family.values()).forEach(f -> expected.add(List.of(f.code(), f.display())));

        assertThat(concepts(codes)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyDimensionIsInTheStratifierCodeSystemWithItsDisplay() throws Exception {
        CodeSystem codes = read("CodeSystem-monitoring-stratifier.json");
        assertThat(codes.getUrl()).isEqualTo(MonthlyMeasureReport.STRATIFIER_SYSTEM);

        assertThat(concepts(codes)).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Dimension.values()).map(d -> List.of(d.code(), d.display())).toList());
    }

    private static List<List<String>> concepts(CodeSystem codes) {
        return codes.getConcept().stream().map(c -> List.of(c.getCode(), c.getDisplay())).collect(Collectors.toList());
    }

    private static CodeSystem read(String file) throws Exception {
        return FhirContext.forR4Cached().newJsonParser().parseResource(CodeSystem.class, Files.readString(FHIR.resolve(file)));
    }
}
