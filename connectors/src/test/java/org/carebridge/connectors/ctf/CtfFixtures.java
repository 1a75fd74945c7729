package org.carebridge.connectors.ctf;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.connectors.ssda903.RowOutcome;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The settings, fixtures and golden-file form the CTF tests share. */
final class CtfFixtures {

    static final Path CONFIG = Path.of("..", "config");
    static final Path RESOURCES = Path.of("src", "test", "resources", "ctf");
    static final Instant MAPPED_AT = Instant.parse("2025-11-25T09:00:00Z");
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final LocalAuthorities AUTHORITIES = LocalAuthorities.load(CONFIG.resolve("formats/ctf/local-authorities.yaml"));
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CtfFixtures() {
    }

    static CtfSettings settings() {
        return new CtfSettings("vs-suffolk", "Suffolk Virtual School", "E10000029", AUTHORITIES, LocalDate.parse("2025-09-01"),
                CtfSettings.SEVERE_ABSENCE);
    }

    static List<RowOutcome> read(Path file) {
        List<RowOutcome> outcomes = new ArrayList<>();
        new CtfReader(settings()).read(file, MAPPED_AT, outcomes::add);
        return outcomes;
    }

    static List<RowOutcome> read(byte[] file) {
        List<RowOutcome> outcomes = new ArrayList<>();
        new CtfReader(settings()).read(new ByteArrayInputStream(file), MAPPED_AT, outcomes::add);
        return outcomes;
    }

    /** One JSON object per outcome, the mapped message as FHIR JSON. */
    static String golden(List<RowOutcome> outcomes) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        for (RowOutcome outcome : outcomes) {
            ObjectNode node = array.addObject();
            node.put("table", outcome.table());
            node.put("line", outcome.line());
            node.put("status", outcome.status().name());
            node.put("column", outcome.column());
            node.put("detail", outcome.detail());
            node.put("event", outcome.event());
            node.put("messageId", outcome.messageId());
            if (outcome.bundle() != null) {
                node.set("bundle", JSON.readTree(FHIR.newJsonParser().encodeResourceToString(outcome.bundle())));
            }
        }
        return JSON.writeValueAsString(array) + "\n";
    }
}
