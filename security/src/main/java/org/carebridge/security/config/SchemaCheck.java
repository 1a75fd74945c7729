package org.carebridge.security.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Checks a YAML document against a published JSON Schema; each problem is reported with its line. */
public final class SchemaCheck {

    private final JsonSchema schema;
    private final String schemaName;

    public SchemaCheck(Path schemaFile) {
        try {
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(new ObjectMapper().readTree(Files.readString(schemaFile)));
            this.schemaName = schemaFile.getFileName().toString();
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException(schemaFile.toString(), "cannot be read as a JSON Schema: " + e.getMessage(), e);
        }
    }

    /** Problems, "line N: ...", in line order; empty when the document conforms. */
    public List<String> problems(YamlDocument document) {
        List<ValidationMessage> messages = new ArrayList<>(schema.validate(document.root()));
        List<String> problems = new ArrayList<>();
        messages.stream()
                .sorted(Comparator.comparingInt(m -> document.line(pointer(m))))
                .forEach(m -> problems.add(document.at(pointer(m), m.getMessage() + " (" + schemaName + ")")));
        return problems;
    }

    private static String pointer(ValidationMessage message) {
        var location = message.getInstanceLocation();
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            pointer.append('/').append(location.getElement(i));
        }
        return pointer.toString();
    }
}
