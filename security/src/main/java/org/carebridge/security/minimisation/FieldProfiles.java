package org.carebridge.security.minimisation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.config.SchemaCheck;
import org.carebridge.security.config.YamlDocument;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The named field profiles agreements refer to, read from {@code profiles.yaml} and checked against FHIR R4. */
public final class FieldProfiles {

    /** A resource's narrative, contained resources and meta are never sent, whatever a profile says. */
    private static final Set<String> NEVER = Set.of("text", "contained", "meta");

    private final Map<String, FieldProfile> profiles;

    public FieldProfiles(Map<String, FieldProfile> profiles) {
        this.profiles = Map.copyOf(profiles);
    }

    public Optional<FieldProfile> get(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    public Set<String> names() {
        return profiles.keySet();
    }

    public static FieldProfiles load(Path file, SchemaCheck schema, FhirContext fhir) {
        YamlDocument document = YamlDocument.read(file);
        List<String> problems = new ArrayList<>(schema.problems(document));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        Map<String, FieldProfile> profiles = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = document.root().path("profiles").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            Set<String> elements = new LinkedHashSet<>();
            int i = 0;
            for (JsonNode element : entry.getValue().path("elements")) {
                String problem = problem(fhir, element.asText());
                if (problem != null) {
                    problems.add(document.at("/profiles/" + entry.getKey() + "/elements/" + i,
                            "profile '" + entry.getKey() + "': " + problem));
                }
                elements.add(element.asText());
                i++;
            }
            for (String problem : missingRequired(fhir, elements)) {
                problems.add(document.at("/profiles/" + entry.getKey(), "profile '" + entry.getKey() + "': " + problem));
            }
            profiles.put(entry.getKey(), new FieldProfile(entry.getKey(), entry.getValue().path("description").asText(null), elements));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        return new FieldProfiles(profiles);
    }

    /**
     * The elements FHIR R4 requires (min 1) that these paths leave out: of every resource type named, and of every
     * element named only through its children. A copy without them would not be valid FHIR.
     */
    static List<String> missingRequired(FhirContext fhir, Set<String> elements) {
        FieldProfile profile = new FieldProfile("check", null, elements);
        Set<String> containers = new java.util.TreeSet<>();
        for (String element : elements) {
            String[] parts = element.split("\\.");
            for (int i = 1; i <= parts.length - 1; i++) {
                String prefix = String.join(".", java.util.Arrays.copyOf(parts, i));
                if (!profile.allowsWhole(prefix)) {
                    containers.add(prefix);
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String container : containers) {
            BaseRuntimeElementDefinition<?> definition = definitionOf(fhir, container);
            if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                continue;
            }
            for (BaseRuntimeChildDefinition child : composite.getChildren()) {
                if (child.getMin() < 1) {
                    continue;
                }
                boolean covered = child.getValidChildNames().stream().anyMatch(name ->
                        profile.allowsWhole(container + "." + name) || profile.allowsSomeBeneath(container + "." + name));
                if (!covered) {
                    missing.add("names " + container + " but not " + container + "." + child.getElementName()
                            + ", which FHIR R4 requires");
                }
            }
        }
        return missing;
    }

    private static BaseRuntimeElementDefinition<?> definitionOf(FhirContext fhir, String path) {
        String[] parts = path.split("\\.");
        BaseRuntimeElementDefinition<?> definition;
        try {
            definition = fhir.getResourceDefinition(parts[0]);
        } catch (RuntimeException e) {
            return null;
        }
        for (int i = 1; i < parts.length && definition != null; i++) {
            if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                return null;
            }
            BaseRuntimeChildDefinition child = composite.getChildByName(parts[i]);
            definition = child == null ? null : child.getChildByName(parts[i]);
        }
        return definition;
    }

    /** Why this path does not name an element of FHIR R4, or null when it does. */
    static String problem(FhirContext fhir, String path) {
        String[] parts = path.split("\\.");
        if (parts.length < 2) {
            return "'" + path + "' must name an element (Resource.element), not a whole resource";
        }
        BaseRuntimeElementDefinition<?> definition;
        try {
            definition = fhir.getResourceDefinition(parts[0]);
        } catch (RuntimeException e) {
            return "'" + parts[0] + "' is not a FHIR R4 resource type";
        }
        for (int i = 1; i < parts.length; i++) {
            if (i == 1 && NEVER.contains(parts[i])) {
                return "'" + path + "' names " + parts[i] + ", which is never shared";
            }
            if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                return "'" + path + "': " + parts[i - 1] + " has no elements";
            }
            BaseRuntimeChildDefinition child = composite.getChildByName(parts[i]);
            if (child == null) {
                return "'" + path + "': " + composite.getName() + " has no element '" + parts[i] + "'";
            }
            definition = child.getChildByName(parts[i]);
            if (definition == null && i < parts.length - 1) {
                return "'" + path + "': cannot look inside '" + parts[i] + "'";
            }
        }
        return null;
    }
}
