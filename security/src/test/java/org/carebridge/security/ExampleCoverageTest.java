package org.carebridge.security;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.carebridge.security.RealConfig.InMemoryConsents;
import org.carebridge.security.decision.Decision;
import org.carebridge.security.decision.Outcome;
import org.carebridge.security.minimisation.CopyMinimiser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config/examples/README.md against the examples: every example is listed, parses as strictly as intake parses, comes
 * from the partner the table names, and is decided, at {@link #AT} with no consent on record, exactly as the table's last
 * column claims; every permitted copy is itself valid FHIR. Every flow but the computed monthly report has examples.
 */
class ExampleCoverageTest extends WithRealConfiguration {

    static final Instant AT = Instant.parse("2026-11-20T12:00:00Z");
    /** Computed by the gateway from the other flows; no partner sends it. */
    static final Set<String> NOT_SENT_BY_PARTNERS = Set.of("monthly-monitoring-report", "clock-breach-alert", "copy-withdrawal");


    record Claim(String file, String sender, String what, Map<String, Outcome> decisions) {
        @Override
        public String toString() {
            return file;
        }
    }

    static List<Claim> claims() throws IOException {
        List<Claim> claims = new ArrayList<>();
        for (String line : Files.readAllLines(RealConfig.example("README.md"))) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = Arrays.stream(line.split("\\|")).map(String::trim).toArray(String[]::new);
            assertThat(cells).as("a table row has four cells: " + line).hasSize(5);
            Map<String, Outcome> decisions = new LinkedHashMap<>();
            for (String part : cells[4].split(";")) {
                String[] kindAndIds = part.trim().split(":", 2);
                Outcome outcome = switch (kindAndIds[0].trim()) {
                    case "permit" -> Outcome.PERMIT;
                    case "deny" -> Outcome.DENY;
                    case "override" -> Outcome.PERMIT_BY_OVERRIDE;
                    default -> throw new AssertionError("unknown decision '" + kindAndIds[0] + "' in: " + line);
                };
                for (String id : kindAndIds[1].split(",")) {
                    assertThat(decisions.put(id.trim(), outcome)).as("recipient named twice in: " + line).isNull();
                }
            }
            claims.add(new Claim(cells[1].replace("`", ""), cells[2], cells[3], decisions));
        }
        return claims;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claims")
    void theExampleIsDecidedAsTheReadmeClaims(Claim claim) throws IOException {
        String json = Files.readString(RealConfig.example(claim.file()));
        Bundle bundle = strictParser().parseResource(Bundle.class, json);
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.MESSAGE);
        assertThat(bundle.getIdElement().getIdPart()).isNotBlank();
        assertThat(json.indexOf("\"id\"")).as("Bundle.id is the first id in the file (tests replace it)")
                .isLessThan(json.indexOf("\"entry\""));
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        assertThat(RealConfig.events().contains(header.getEventCoding().getSystem(), header.getEventCoding().getCode())).isTrue();
        assertThat(header.getSource().getEndpoint()).isEqualTo(RealConfig.PARTNER_ENDPOINT_PREFIX + claim.sender());

        List<Decision> decisions = RealConfig.engine(agreements, registry, new InMemoryConsents())
                .decide(RealConfig.facts(bundle, registry, AT));

        assertThat(decisions.stream().collect(Collectors.toMap(d -> d.recipient().id(), Decision::outcome)))
                .as("decisions (reasons: %s)", decisions.stream().map(Decision::explanation).toList())
                .isEqualTo(claim.decisions());
        for (Decision decision : decisions) {
            if (decision.shares()) {
                byte[] copy = RealConfig.minimiser().minimise(json.getBytes(StandardCharsets.UTF_8),
                        RealConfig.profiles().get(decision.profile()).orElseThrow());
                Bundle parsed = strictParser().parseResource(Bundle.class, new String(copy, StandardCharsets.UTF_8));
                assertThat(parsed.getEntryFirstRep().getResource()).isInstanceOf(MessageHeader.class);
                assertThat(parsed.getIdElement().getIdPart()).isEqualTo(bundle.getIdElement().getIdPart());
            }
        }
    }

    @Test
    void everyExampleFileIsListedOrIsAConsent() throws IOException {
        Set<String> listed = claims().stream().map(Claim::file).collect(Collectors.toSet());
        List<String> files;
        try (Stream<Path> list = Files.list(RealConfig.dir().resolve("examples"))) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        for (String file : files) {
            IBaseResource resource = strictParser().parseResource(Files.readString(RealConfig.example(file)));
            if (resource instanceof Consent) {
                continue;
            }
            assertThat(listed).as(file + " is a message and needs a row in config/examples/README.md").contains(file);
        }
        assertThat(files).containsAll(listed);
    }

    /** Each flow has an example that shares, and one that denies a recipient or drops free text from the copies. */
    @Test
    void everyFlowHasAPermittedAndADeniedOrMinimisedExample() throws IOException {
        Map<String, Set<String>> kinds = new TreeMap<>();
        for (Claim claim : claims()) {
            String json = Files.readString(RealConfig.example(claim.file()));
            MessageHeader header = (MessageHeader) strictParser().parseResource(Bundle.class, json).getEntryFirstRep().getResource();
            Set<String> seen = kinds.computeIfAbsent(header.getEventCoding().getCode(), e -> new TreeSet<>());
            // A consent-gated flow is permitted with the consent example the row names (DecisionTableTest decides it).
            if (claim.decisions().containsValue(Outcome.PERMIT) || claim.decisions().containsValue(Outcome.PERMIT_BY_OVERRIDE)
                    || claim.what().contains("(`consent-")) {
                seen.add("permitted");
            }
            if (claim.decisions().containsValue(Outcome.DENY) || json.contains("Never shared")) {
                seen.add("denied or minimised");
            }
        }
        Set<String> flows = new TreeSet<>(RealConfig.events().codes());
        flows.removeAll(NOT_SENT_BY_PARTNERS);
        assertThat(kinds.keySet()).containsAll(flows);
        flows.forEach(flow -> assertThat(kinds.get(flow)).as(flow).containsExactly("denied or minimised", "permitted"));
    }

    private static IParser strictParser() {
        return RealConfig.fhir().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }
}
