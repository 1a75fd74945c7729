package org.carebridge.gateway.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.security.crypto.CpuPerOperation;
import org.carebridge.security.fhir.FhirJsonTree;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The intake's CPU per record in reading the entries' narratives ({@link NarrativeXhtml#take} and putting them back),
 * per example message: CPU time of the measuring thread, median of rounds after a warm-up over every example. Run:
 * {@code ./mvnw -pl routes -am -Pbench verify -Dtest=NarrativeReadBenchmarkTest}. Prints a table (also
 * routes/target/bench/narrative.md); never asserts a time.
 */
@Tag("bench")
class NarrativeReadBenchmarkTest {

    private static final Duration WARMUP = Duration.ofMillis(Long.getLong("bench.warmup-ms", 2000));
    private static final Duration ROUND = Duration.ofMillis(Long.getLong("bench.round-ms", 600));
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

    @Test
    void narrativeCostPerRecord() throws Exception {
        List<String> rows = new ArrayList<>();
        double total = 0;
        int examples = 0;
        int narratives = 0;
        // every example read once beforehand, so that the first is not charged for JIT compilation
        for (Path example : examples()) {
            ObjectNode tree = (ObjectNode) FhirJsonTree.read(Files.readAllBytes(example));
            CpuPerOperation.over(() -> NarrativeXhtml.take(tree).restore(), WARMUP);
        }
        for (Path example : examples()) {
            ObjectNode tree = (ObjectNode) FhirJsonTree.read(Files.readAllBytes(example));
            int divs = 0;
            for (JsonNode entry : tree.path("entry")) {
                divs += entry.path("resource").path("text").path("div").isTextual() ? 1 : 0;
            }
            if (divs == 0) {
                continue;
            }
            double us = CpuPerOperation.median(() -> NarrativeXhtml.take(tree).restore(), WARMUP, ROUND, ROUNDS);
            rows.add(String.format(Locale.ROOT, "| %s | %d | %.1f |", example.getFileName(), divs, us));
            total += us;
            examples++;
            narratives += divs;
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "Reading the narratives, CPU us per record (load average %.2f)%n%n| example | narratives | us |%n|---|---|---|%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        rows.forEach(row -> table.append(row).append('\n'));
        table.append(String.format(Locale.ROOT, "| mean of %d | %d | %.1f |%n", examples, narratives, total / examples));
        System.out.println(table);
        Path out = Path.of("target", "bench", "narrative.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }

    private static List<Path> examples() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("..", "config", "examples"))) {
            List<Path> bundles = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                if (FhirJsonTree.read(Files.readAllBytes(file)).path("resourceType").asText().equals("Bundle")) {
                    bundles.add(file);
                }
            }
            return bundles;
        }
    }
}
