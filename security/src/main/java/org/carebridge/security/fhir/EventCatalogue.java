package org.carebridge.security.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.security.config.ConfigurationException;
import org.hl7.fhir.r4.model.CodeSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** The event codes the gateway carries, read from the CodeSystem the project publishes under config/fhir. */
public record EventCatalogue(String system, Set<String> codes) {

    public static EventCatalogue load(Path codeSystemFile, FhirContext fhir) {
        try {
            CodeSystem codeSystem = fhir.newJsonParser().parseResource(CodeSystem.class, Files.readString(codeSystemFile));
            Set<String> codes = new LinkedHashSet<>();
            codeSystem.getConcept().forEach(c -> codes.add(c.getCode()));
            if (codeSystem.getUrl() == null || codes.isEmpty()) {
                throw new ConfigurationException(codeSystemFile.toString(), java.util.List.of("CodeSystem needs a url and at least one concept"));
            }
            return new EventCatalogue(codeSystem.getUrl(), Set.copyOf(codes));
        } catch (IOException | ca.uhn.fhir.parser.DataFormatException e) {
            throw new ConfigurationException(codeSystemFile.toString(), "cannot be read as a FHIR CodeSystem: " + e.getMessage(), e);
        }
    }

    public boolean contains(String system, String code) {
        return this.system.equals(system) && codes.contains(code);
    }
}
