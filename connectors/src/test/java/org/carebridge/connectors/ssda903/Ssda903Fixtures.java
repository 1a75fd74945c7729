package org.carebridge.connectors.ssda903;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.connectors.golden.GoldenOutcomes;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The settings, fixtures and golden-file format the SSDA903 tests share. */
final class Ssda903Fixtures {

    static final Path CONFIG = Path.of("..", "config");
    static final Path RESOURCES = Path.of("src", "test", "resources", "ssda903");
    static final Instant MAPPED_AT = Instant.parse("2025-11-25T09:00:00Z");
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final CollectionYears YEARS = CollectionYears.load(CONFIG.resolve("formats/ssda903"));
    static final ChildrensHomes HOMES = ChildrensHomes.load(CONFIG.resolve("homes.yaml"));

    private Ssda903Fixtures() {
    }

    static Ssda903Settings settings(Ssda903Settings.UnknownColumns unknown) {
        return new Ssda903Settings("cs-suffolk", "Suffolk County Council Children's Services", "E10000029",
                YEARS.year("2025-26").orElseThrow(), LocalDate.parse("2025-10-01"), unknown);
    }

    static Ssda903Reader reader() {
        return new Ssda903Reader(settings(Ssda903Settings.UnknownColumns.WARN), HOMES);
    }

    /** The tables of a fixture folder. */
    static Ssda903Tables folder(Path folder) {
        return new Ssda903Tables() {
            @Override
            public List<String> names() {
                try (Stream<Path> files = Files.list(folder)) {
                    return files.map(f -> f.getFileName().toString()).sorted().toList();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public Reader open(String name) throws IOException {
                return Files.newBufferedReader(folder.resolve(name), StandardCharsets.UTF_8);
            }
        };
    }

    /** Tables given inline, by file name. */
    static Ssda903Tables tables(Map<String, String> tables) {
        Map<String, String> ordered = new LinkedHashMap<>(tables);
        return new Ssda903Tables() {
            @Override
            public List<String> names() {
                return List.copyOf(ordered.keySet());
            }

            @Override
            public Reader open(String name) {
                return new StringReader(ordered.get(name));
            }
        };
    }

    static Path zip(Path target, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return target;
    }

    static List<RowOutcome> csv(Ssda903Reader reader, Ssda903Tables tables) {
        List<RowOutcome> outcomes = new ArrayList<>();
        reader.readCsv(tables, MAPPED_AT, outcomes::add);
        return outcomes;
    }

    /** The golden form (see {@link GoldenOutcomes}). */
    static String golden(List<RowOutcome> outcomes) throws IOException {
        return GoldenOutcomes.golden(outcomes);
    }
}
