package org.carebridge.connectors.ssda903;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files: the messy fixtures (made here from the published field lists) map to exactly the committed outcomes.
 * {@code -Dgolden.update=true} rewrites them after a deliberate change; review the diff.
 */
class Ssda903GoldenTest {

    @Test
    void messyCsvTablesMapRowByRowAsTheGoldenFileSays() throws IOException {
        List<RowOutcome> outcomes = Ssda903Fixtures.csv(Ssda903Fixtures.reader(),
                Ssda903Fixtures.folder(Ssda903Fixtures.RESOURCES.resolve("suffolk-messy")));
        assertGolden("suffolk-messy.csv.json", Ssda903Fixtures.golden(outcomes));
    }

    @Test
    void theSameTablesInAZipMapTheSame(@TempDir Path dir) throws IOException {
        Path folder = Ssda903Fixtures.RESOURCES.resolve("suffolk-messy");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String name : List.of("Reviews.csv", "Missing.csv", "Episodes.csv", "Header.csv")) {
            entries.put("ssda903/SSDA903_2025_" + name, Files.readAllBytes(folder.resolve(name)));
        }
        Path zip = Ssda903Fixtures.zip(dir.resolve("return.zip"), entries);
        List<RowOutcome> outcomes = new ArrayList<>();
        Ssda903Fixtures.reader().readCsvZip(zip, ZippedTables.Limits.DEFAULT, Ssda903Fixtures.MAPPED_AT, outcomes::add);
        List<RowOutcome> fromFolder = Ssda903Fixtures.csv(Ssda903Fixtures.reader(), Ssda903Fixtures.folder(folder));
        assertThat(Ssda903Fixtures.golden(outcomes.stream().filter(o -> o.status() != RowOutcome.Status.WARNING).toList()))
                .isEqualTo(Ssda903Fixtures.golden(fromFolder.stream().filter(o -> o.status() != RowOutcome.Status.WARNING).toList()));
    }

    @Test
    void theXmlFormMapsAsTheGoldenFileSays() throws IOException {
        List<RowOutcome> outcomes = new ArrayList<>();
        Ssda903Fixtures.reader().readXml(Ssda903Fixtures.RESOURCES.resolve("suffolk.xml"), Ssda903Fixtures.MAPPED_AT, outcomes::add);
        assertGolden("suffolk.xml.json", Ssda903Fixtures.golden(outcomes));
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Path file = Ssda903Fixtures.RESOURCES.resolve("expected").resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).exists();
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
