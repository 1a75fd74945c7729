package org.carebridge.security.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.security.config.ConfigurationException;
import org.hl7.fhir.r4.model.CodeSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CareBridge code systems shipped under config/fhir ({@code CodeSystem-*.json}): the gateway's own codes and their
 * displays. A copy's display for one of these codes is taken from here, never from the sender.
 */
public final class GatewayCodeSystems {

    private final Map<String, CodeSystem> bySystem;

    private GatewayCodeSystems(Map<String, CodeSystem> bySystem) {
        this.bySystem = Map.copyOf(bySystem);
    }

    public static GatewayCodeSystems none() {
        return new GatewayCodeSystems(Map.of());
    }

    public static GatewayCodeSystems load(Path folder, FhirContext fhir) {
        Map<String, CodeSystem> systems = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(f -> f.getFileName().toString().matches("CodeSystem-.+\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigurationException(folder.toString(), "cannot list the code systems: " + e.getMessage(), e);
        }
        for (Path file : files) {
            CodeSystem codeSystem;
            try {
                codeSystem = fhir.newJsonParser().parseResource(CodeSystem.class, Files.readString(file));
            } catch (IOException | ca.uhn.fhir.parser.DataFormatException e) {
                throw new ConfigurationException(file.toString(), "cannot be read as a FHIR CodeSystem: " + e.getMessage(), e);
            }
            if (codeSystem.getUrl() == null || codeSystem.getConcept().isEmpty()) {
                throw new ConfigurationException(file.toString(), List.of("CodeSystem needs a url and at least one concept"));
            }
            if (systems.putIfAbsent(codeSystem.getUrl(), codeSystem) != null) {
                throw new ConfigurationException(file.toString(), List.of("a second CodeSystem with url " + codeSystem.getUrl()));
            }
        }
        return new GatewayCodeSystems(systems);
    }

    public boolean isGatewaySystem(String system) {
        return system != null && bySystem.containsKey(system);
    }

    /** The shipped display of this code, or empty when the system is not the gateway's or does not have the code. */
    public Optional<String> display(String system, String code) {
        CodeSystem codeSystem = system == null ? null : bySystem.get(system);
        return codeSystem == null || code == null ? Optional.empty() : find(codeSystem.getConcept(), code);
    }

    public List<CodeSystem> all() {
        return List.copyOf(bySystem.values());
    }

    private static Optional<String> find(List<CodeSystem.ConceptDefinitionComponent> concepts, String code) {
        for (CodeSystem.ConceptDefinitionComponent concept : concepts) {
            if (code.equals(concept.getCode())) {
                return Optional.ofNullable(concept.getDisplay());
            }
            Optional<String> nested = find(concept.getConcept(), code);
            if (nested.isPresent()) {
                return nested;
            }
        }
        return Optional.empty();
    }
}
