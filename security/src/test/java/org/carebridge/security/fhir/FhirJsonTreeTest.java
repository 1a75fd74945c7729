package org.carebridge.security.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.security.RealConfig;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FhirJsonTreeTest {

    private final FhirContext fhir = RealConfig.fhir();

    @Test
    void everyExampleParsedFromItsTreeIsTheModelATextParseGives() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(RealConfig.dir().resolve("examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(examples).hasSizeGreaterThan(10);
        for (Path example : examples) {
            byte[] body = Files.readAllBytes(example);
            IBaseResource fromText = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler())
                    .parseResource(new String(body, StandardCharsets.UTF_8));
            IBaseResource fromTree = FhirJsonTree.parse(fhir, new StrictErrorHandler(), (ObjectNode) FhirJsonTree.read(body));

            assertThat(fhir.newJsonParser().encodeResourceToString(fromTree))
                    .as(example.getFileName().toString())
                    .isEqualTo(fhir.newJsonParser().encodeResourceToString(fromText));
            if (fromTree instanceof Bundle bundle && !bundle.getEntry().isEmpty()) {
                // entries take their ids from fullUrl as a text parse gives them
                assertThat(bundle.getEntryFirstRep().getResource().getIdElement().getValue())
                        .isEqualTo(((Bundle) fromText).getEntryFirstRep().getResource().getIdElement().getValue());
            }
        }
    }

    @Test
    void decimalsKeepTheDigitsTheSenderWrote() throws Exception {
        JsonNode tree = FhirJsonTree.read("{\"value\":1.10,\"big\":12345678901234567890.000001}".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(FhirJsonTree.write(tree), StandardCharsets.UTF_8))
                .isEqualTo("{\"value\":1.10,\"big\":12345678901234567890.000001}");
    }

    @Test
    void trailingContentIsNotJson() {
        assertThatThrownBy(() -> FhirJsonTree.read("{\"a\":1} {\"b\":2}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
