package org.carebridge.security.minimisation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import ca.uhn.fhir.context.RuntimePrimitiveDatatypeDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.carebridge.security.RealConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: free text travels only where a profile names its exact path. Into every example message, random markers are
 * planted in every string-typed descendant (string, markdown, base64Binary: CodeableConcept.text, Coding.display,
 * Reference.display, a name's parts, Attachment data...) of every element any profile names, whether the sender filled
 * it in or not. Then, for every profile, every marker in the copy sits at a path the profile names exactly; and every
 * marker at such a path, in a resource the copy keeps, is there. An identifier's value and a reference's target are
 * structure, not text, and are left as they are.
 */
class FreeTextPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FREE_TEXT = Set.of("string", "markdown", "base64Binary");
    private static final Set<String> STRUCTURAL = Set.of("Identifier.value", "Reference.reference", "Coding.version");
    /** What every copy's MessageHeader keeps whatever the profile. */
    private static final Set<String> HEADER = Set.of("MessageHeader.source.name");
    /** How deep planting builds elements the sender left out, below the elements it did fill in. */
    private static final int NEW_DEPTH = 2;

    private static final List<FieldProfile> PROFILES = RealConfig.profiles().names().stream().sorted()
            .map(n -> RealConfig.profiles().get(n).orElseThrow()).toList();
    private static final Set<String> NAMED = PROFILES.stream().flatMap(p -> p.elements().stream())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final List<String> EXAMPLES = examples();

    private final CopyMinimiser minimiser = RealConfig.minimiser();

    @Property(tries = 12)
    void freeTextReachesACopyOnlyWhereItsProfileNamesItsExactPath(@ForAll("tokens") String token) {
        for (String example : EXAMPLES) {
            ObjectNode message = (ObjectNode) read(example);
            Planting planting = new Planting("FT" + token + "x");
            for (JsonNode entry : message.path("entry")) {
                JsonNode resource = entry.path("resource");
                String type = resource.path("resourceType").asText();
                if (!"MessageHeader".equals(type) && resource.isObject()) {
                    planting.resource(entry.path("fullUrl").asText(), (ObjectNode) resource,
                            RealConfig.fhir().getResourceDefinition(type), type);
                }
            }
            assertThat(planting.paths).as("markers planted in " + example).isNotEmpty();

            for (FieldProfile profile : PROFILES) {
                ObjectNode copy = minimiser.minimise(message, profile);
                String text = copy.toString();
                Matcher found = planting.pattern().matcher(text);
                Set<String> seen = new HashSet<>();
                while (found.find()) {
                    String marker = found.group();
                    seen.add(marker);
                    String path = planting.paths.get(marker);
                    assertThat(path).as("%s / %s: unknown marker %s", example, profile.name(), marker).isNotNull();
                    assertThat(profile.elements().contains(path) || HEADER.contains(path))
                            .as("%s / %s: free text at %s reached the copy", example, profile.name(), path).isTrue();
                }
                Set<String> keptResources = new HashSet<>();
                copy.path("entry").forEach(e -> keptResources.add(e.path("fullUrl").asText()));
                planting.resourceOf.forEach((marker, fullUrl) -> {
                    String path = planting.paths.get(marker);
                    if (profile.elements().contains(path) && keptResources.contains(fullUrl) && planting.reachable.contains(marker)) {
                        assertThat(seen).as("%s / %s: %s named exactly, but lost", example, profile.name(), path).contains(marker);
                    }
                });
            }
        }
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(6).ofMaxLength(10);
    }

    /** Plants markers and remembers where: marker to path, marker to the fullUrl of its entry. */
    private static final class Planting {
        final String prefix;
        final Map<String, String> paths = new HashMap<>();
        final Map<String, String> resourceOf = new HashMap<>();
        /** Markers planted in elements the sender filled in (the chain of containers above is the sender's). */
        final Set<String> reachable = new HashSet<>();
        String fullUrl;
        int n;

        Planting(String prefix) {
            this.prefix = prefix;
        }

        Pattern pattern() {
            return Pattern.compile(Pattern.quote(prefix) + "[0-9]+Q");
        }

        void resource(String fullUrl, ObjectNode resource, RuntimeResourceDefinition definition, String type) {
            this.fullUrl = fullUrl;
            composite(resource, definition, type, false, 0, true);
        }

        /** {@code inNamed}: this node or an ancestor is named by some profile; {@code depth}: levels built by planting. */
        void composite(ObjectNode node, BaseRuntimeElementCompositeDefinition<?> definition, String path, boolean inNamed,
                       int depth, boolean senders) {
            for (BaseRuntimeChildDefinition child : definition.getChildren()) {
                String name = child.getElementName();
                if (Set.of("id", "text", "contained", "meta", "extension", "modifierExtension", "implicitRules", "language").contains(name)) {
                    continue;
                }
                if (child instanceof RuntimeChildChoiceDefinition) {
                    // a choice: only the form the sender used, if any
                    for (String option : child.getValidChildNames()) {
                        if (node.has(option)) {
                            element(node, option, child.getChildByName(option), path, inNamed, depth, senders, child.getMax() != 1);
                        }
                    }
                    continue;
                }
                BaseRuntimeElementDefinition<?> type = child.getChildByName(name);
                if (type != null) {
                    element(node, name, type, path, inNamed, depth, senders, child.getMax() != 1);
                }
            }
        }

        void element(ObjectNode node, String name, BaseRuntimeElementDefinition<?> type, String parentPath, boolean inNamed,
                     int depth, boolean senders, boolean repeats) {
            String path = parentPath + "." + name;
            boolean named = inNamed || NAMED.contains(path);
            boolean under = named || NAMED.stream().anyMatch(e -> e.startsWith(path + "."));
            if (!under) {
                return;
            }
            String owner = type instanceof RuntimePrimitiveDatatypeDefinition ? null : type.getName();
            if (type instanceof RuntimePrimitiveDatatypeDefinition) {
                String parentType = parentTypeName(parentPath);
                if (!named || !FREE_TEXT.contains(type.getName()) || STRUCTURAL.contains(parentType + "." + name)) {
                    return;
                }
                String marker = prefix + (n++) + "Q";
                paths.put(marker, path);
                resourceOf.put(marker, fullUrl);
                if (senders || node.has(name)) {
                    reachable.add(marker);
                }
                if (repeats) {
                    node.putArray(name).add(marker);
                } else {
                    node.put(name, marker);
                }
                return;
            }
            if (!(type instanceof BaseRuntimeElementCompositeDefinition<?> composite) || type instanceof RuntimeResourceDefinition
                    || "Extension".equals(owner) || "Narrative".equals(owner)) {
                return;
            }
            JsonNode existing = node.get(name);
            typeOf.put(path, composite.getName());
            if (existing != null && existing.isArray()) {
                for (JsonNode item : existing) {
                    if (item.isObject()) {
                        composite((ObjectNode) item, composite, path, named, depth, senders);
                    }
                }
            } else if (existing != null && existing.isObject()) {
                composite((ObjectNode) existing, composite, path, named, depth, senders);
            } else if (existing == null && depth < NEW_DEPTH && named) {
                ObjectNode created = JSON.createObjectNode();
                composite(created, composite, path, true, depth + 1, false);
                if (!created.isEmpty()) {
                    if (repeats) {
                        node.putArray(name).add(created);
                    } else {
                        node.set(name, created);
                    }
                }
            }
        }

        final Map<String, String> typeOf = new HashMap<>();

        String parentTypeName(String parentPath) {
            return typeOf.getOrDefault(parentPath, parentPath.contains(".") ? "" : parentPath);
        }
    }

    private static List<String> examples() {
        try (Stream<Path> files = Files.list(RealConfig.dir().resolve("examples"))) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted()
                    .filter(f -> "Bundle".equals(read(f).path("resourceType").asText())).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode read(String example) {
        try {
            return JSON.readTree(RealConfig.exampleText(example));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
