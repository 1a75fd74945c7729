package org.carebridge.connectors.ctf;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.connectors.golden.GoldenOutcomes;
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

    /** The golden form (see {@link GoldenOutcomes}). */
    static String golden(List<RowOutcome> outcomes) throws IOException {
        return GoldenOutcomes.golden(outcomes);
    }
}
