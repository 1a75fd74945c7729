package org.carebridge.connectors.police;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.security.fhir.MessageAreas;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CareBridge police event maps to the canonical message of its flow (golden files) and is refused clearly when bad. */
class PoliceEventMapperTest {

    private static final Path CONFIG = Path.of("..", "config");
    private static final Path FIXTURES = Path.of("src", "test", "resources", "police");
    private static final Instant MAPPED_AT = Instant.parse("2026-11-21T19:45:00Z");
    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private final PoliceEventMapper mapper = new PoliceEventMapper(CONFIG.resolve("schema/police-event.schema.json"),
            ChildrensHomes.load(CONFIG.resolve("homes.yaml")));

    @ParameterizedTest
    @ValueSource(strings = {"custody-detention", "missing-report", "mash-referral", "out-of-area-contact"})
    void eachEventMapsAsTheGoldenFileSays(String name) throws IOException {
        PoliceEventMapper.Mapped mapped = map(Files.readAllBytes(FIXTURES.resolve(name + ".json")));
        String actual = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(mapped.bundle()) + "\n";
        Path golden = FIXTURES.resolve("expected").resolve(name + ".json");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        assertThat(mapped.messageId()).isEqualTo(mapped.bundle().getIdElement().getIdPart());
    }

    @Test
    void theFlowsAreasComeFromThePlacementAndTheResponsibleAuthority() throws IOException {
        PoliceEventMapper.Mapped custody = map(Files.readAllBytes(FIXTURES.resolve("custody-detention.json")));
        assertThat(custody.event()).isEqualTo("custody-notification");
        assertThat(MessageAreas.receivingArea(custody.bundle())).contains("E10000020");
        assertThat(MessageAreas.responsibleArea(custody.bundle())).contains("E10000029");
        PoliceEventMapper.Mapped mash = map(Files.readAllBytes(FIXTURES.resolve("mash-referral.json")));
        assertThat(mash.event()).isEqualTo("mash-referral");
        assertThat(MessageAreas.receivingArea(mash.bundle())).isEmpty();
    }

    @Test
    void theSameEventGivesTheSameMessageId() throws IOException {
        byte[] document = Files.readAllBytes(FIXTURES.resolve("missing-report.json"));
        assertThat(map(document).messageId()).isEqualTo(map(document).messageId());
    }

    @Test
    void aDocumentOutsideTheSchemaIsRefusedByPathWithoutItsValues() {
        String bad = """
                {"format": "carebridge-police-event", "version": 1, "eventId": "X1",
                 "event": {"type": "custody-detention", "start": "21/11/2026 19:40", "mood": "Jane Doe was upset"},
                 "persons": [{"role": "subject", "nhsNumber": "94347659"}]}""";
        assertThatThrownBy(() -> map(bad.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PoliceEventRefused.class)
                .satisfies(e -> assertThat(((PoliceEventRefused) e).problems()).containsExactlyInAnyOrder(
                        "/event: a property the format does not define (mood)",
                        "/event/start: not a valid date or date-time",
                        "/persons/0/nhsNumber: not in the required form"))
                .message().doesNotContain("Jane").doesNotContain("94347659");
    }

    @Test
    void emptyNotJsonTwoSubjectsAndMissingEventDetailAreRefused() {
        assertThatThrownBy(() -> map(new byte[0])).hasMessage("the document is empty");
        assertThatThrownBy(() -> map("{\"format\": ".getBytes(StandardCharsets.UTF_8))).hasMessageStartingWith("the document is not JSON");
        String two = """
                {"format": "carebridge-police-event", "version": 1, "eventId": "X1",
                 "event": {"type": "missing-report", "start": "2026-11-18T22:15:00Z"},
                 "persons": [{"role": "subject"}, {"role": "subject"}]}""";
        assertThatThrownBy(() -> map(two.getBytes(StandardCharsets.UTF_8))).hasMessage("/persons: exactly one person must have role subject");
        String noConcern = two.replace("missing-report", "mash-referral").replace(", {\"role\": \"subject\"}", "");
        assertThatThrownBy(() -> map(noConcern.getBytes(StandardCharsets.UTF_8))).hasMessage("/event/concern: required for a mash-referral");
    }

    private PoliceEventMapper.Mapped map(byte[] document) {
        return mapper.map(document, "police-norfolk", "Norfolk Constabulary", MAPPED_AT);
    }
}
