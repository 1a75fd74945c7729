package org.carebridge.gateway.clock;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.security.config.SchemaCheck;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README walkthrough posts the examples. As written they carry November 2026 times, so on a real clock every clocked
 * example is already past its deadline; restamped with the documented {@code config/examples/Restamp.java}, none is.
 */
class ExampleTimesTest {

    static final Path EXAMPLES = ClockRulesTest.CONFIG.resolve("examples");

    final FhirContext fhir = FhirContext.forR4Cached();
    final ClockRules rules = ClockRules.load(ClockRulesTest.CONFIG.resolve("clocks.yaml"),
            new SchemaCheck(ClockRulesTest.CONFIG.resolve("schema/clocks.schema.json")), ClockRulesTest.EVENTS,
            ClockRulesTest.PARTNERS, fhir);

    @Test
    void restampedExamplesStartTheirClocksNowAndRaiseNoFalseBreach(@TempDir Path out) throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                EXAMPLES.resolve("Restamp.java").toString(), "--out", out.toString()));
        examples.forEach(e -> command.add(e.toString()));
        Process restamp = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.resolve("restamp.log").toFile()).start();
        assertThat(restamp.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(restamp.exitValue()).as(Files.readString(out.resolve("restamp.log"))).isZero();
        Instant now = Instant.now();

        int clocked = 0;
        List<String> breachedAsWritten = new ArrayList<>();
        for (Path example : examples) {
            Bundle original = message(example);
            if (original == null) {
                continue;
            }
            String event = ((MessageHeader) original.getEntryFirstRep().getResource()).getEventCoding().getCode();
            Optional<ClockPlan> asWritten = rules.plan(event, original, now);
            if (asWritten.isEmpty() || asWritten.get().startSource().equals(ClockPlan.FROM_ARRIVAL)) {
                continue;
            }
            clocked++;
            if (asWritten.get().deadline().isBefore(now)) {
                breachedAsWritten.add(example.getFileName().toString());
            }
            Bundle restamped = message(out.resolve(example.getFileName()));
            ClockPlan plan = rules.plan(event, restamped, now).orElseThrow();
            assertThat(plan.deadline()).as(example.getFileName() + " deadline").isAfter(now.plus(Duration.ofMinutes(10)));
            assertThat(plan.startedAt()).as(example.getFileName() + " start").isBefore(now).isAfter(now.minus(Duration.ofDays(30)));
            assertThat(UUID.fromString(restamped.getIdElement().getIdPart())).isNotEqualTo(UUID.fromString(original.getIdElement().getIdPart()));
        }
        assertThat(clocked).isGreaterThanOrEqualTo(4);
        assertThat(breachedAsWritten).as("as written, the examples are past their deadlines").isNotEmpty();
    }

    private Bundle message(Path file) throws Exception {
        String json = Files.readString(file);
        if (!json.contains("\"type\": \"message\"")) {
            return null;
        }
        return fhir.newJsonParser().parseResource(Bundle.class, json);
    }
}
