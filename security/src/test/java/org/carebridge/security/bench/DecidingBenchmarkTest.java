package org.carebridge.security.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.security.RealConfig;
import org.carebridge.security.WithRealConfiguration;
import org.carebridge.security.crypto.CpuPerOperation;
import org.carebridge.security.decision.Decision;
import org.carebridge.security.decision.DecisionEngine;
import org.carebridge.security.decision.MessageFacts;
import org.carebridge.security.fhir.FhirJsonTree;
import org.carebridge.security.minimisation.CopyMinimiser;
import org.carebridge.security.minimisation.FieldProfile;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The intake's CPU per record in deciding and in making the copies, per example message, as the intake does them: the
 * decision engine over the real agreements and partners, then, for each recipient a decision shares with, the copy
 * minimised from the JSON tree read at intake (all of a message's copies in one go) and written as JSON. CPU time of the measuring thread, median of rounds
 * after a warm-up. Run: {@code ./mvnw -pl security -am -Pbench verify -Dtest=DecidingBenchmarkTest}. Prints a table
 * (also security/target/bench/deciding.md); never asserts a time.
 */
@Tag("bench")
class DecidingBenchmarkTest extends WithRealConfiguration {

    private static final Duration WARMUP = Duration.ofMillis(Long.getLong("bench.warmup-ms", 2000));
    private static final Duration ROUND = Duration.ofMillis(Long.getLong("bench.round-ms", 600));
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final Instant AT = Instant.parse("2026-11-20T12:00:17Z");

    @Test
    void decidingAndCopyingCostPerRecord() throws Exception {
        DecisionEngine engine = RealConfig.engine(agreements, registry, new RealConfig.InMemoryConsents());
        CopyMinimiser minimiser = RealConfig.minimiser();
        List<String[]> rows = new ArrayList<>();
        double decideTotal = 0;
        double copyTotal = 0;
        int examples = 0;
        for (boolean measure : new boolean[]{false, true}) {
            rows.clear();
            decideTotal = 0;
            copyTotal = 0;
            examples = 0;
            for (Path example : RealConfig.messageExamples()) {
                byte[] body = Files.readAllBytes(example);
                Bundle bundle = RealConfig.fhir().newJsonParser().parseResource(Bundle.class, new String(body, java.nio.charset.StandardCharsets.UTF_8));
                JsonNode tree = FhirJsonTree.read(body);
                MessageFacts facts = RealConfig.facts(bundle, registry, AT);
                List<FieldProfile> shared = new ArrayList<>();
                for (Decision d : engine.decide(facts)) {
                    if (d.shares()) {
                        shared.add(RealConfig.profiles().get(d.profile()).orElseThrow());
                    }
                }
                Duration warmup = measure ? WARMUP : Duration.ofMillis(200);
                int rounds = measure ? ROUNDS : 1;
                double decide = CpuPerOperation.median(() -> engine.decide(facts), warmup, ROUND, rounds);
                double copies = CpuPerOperation.median(() -> {
                    for (JsonNode copy : minimiser.minimise(tree, shared)) {
                        FhirJsonTree.write(copy);
                    }
                }, warmup, ROUND, rounds);
                rows.add(new String[]{example.getFileName().toString(), Integer.toString(shared.size()),
                        format(decide), format(copies)});
                decideTotal += decide;
                copyTotal += copies;
                examples++;
            }
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "Deciding and copying, CPU us per record (load average %.2f)%n%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        table.append("| example | copies | deciding | minimising and writing the copies |\n|---|---|---|---|\n");
        for (String[] row : rows) {
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        table.append("| mean of ").append(examples).append(" | | ").append(format(decideTotal / examples)).append(" | ")
                .append(format(copyTotal / examples)).append(" |\n");
        System.out.println(table);
        Path out = Path.of("target", "bench", "deciding.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }


    private static String format(double us) {
        return String.format(Locale.ROOT, "%.1f", us);
    }
}
