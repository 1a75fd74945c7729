package org.carebridge.security.minimisation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.carebridge.security.RealConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: whatever a sender adds to a message (unknown elements, names that merely start like allowed ones,
 * extensions on primitives the profile leaves out, narrative, contained resources, meta, extensions, extra resources
 * of any type), every real profile's copy holds only elements the profile allows, plus the Bundle's structure and the
 * MessageHeader's event, source and focus; and no injected secret travels anywhere else.
 *
 * <p>Paths are compared segment by segment ({@code Patient} + {@code identifier}), arrays transparent, {@code _x} read as
 * {@code x}: a path is allowed when the profile names it or one of its ancestors.
 *
 * <p>Names containing a dot ({@code "identifier.secret"}) are generated too: they must not pose as deeper allowed paths.
 */
class CopyMinimiserPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER = "SECRET-";
    private static final JsonNode PLACEMENT = read("placement-notification.json");
    private static final List<FieldProfile> PROFILES = RealConfig.profiles().names().stream().sorted()
            .map(n -> RealConfig.profiles().get(n).orElseThrow()).toList();

    /** Element names that occur in the example or in the profiles, to build near misses and real names from. */
    private static final List<String> KNOWN = List.of("identifier", "name", "gender", "birthDate", "status", "type", "period",
            "patient", "managingOrganization", "address", "city", "code", "clinicalStatus", "subject", "given", "family",
            "value", "system", "reference", "coding", "display", "start", "end", "line", "district", "country", "note",
            "eventCoding", "source", "focus", "endpoint");
    private static final List<String> SPECIAL = List.of("text", "contained", "meta", "extension", "modifierExtension",
            "note", "div", "url", "valueString", "_text", "_id", "implicitRules", "language", "deceasedBoolean");
    private static final List<String> RESOURCE_TYPES = List.of("Patient", "Condition", "Flag", "Observation", "Encounter",
            "Location", "Organization", "EpisodeOfCare", "MessageHeader", "Consent", "DocumentReference", "RelatedPerson");
    private static final Set<String> RESERVED_AT_BUNDLE = Set.of("resourceType", "id", "type", "timestamp", "entry");
    private static final Set<String> RESERVED_AT_ENTRY = Set.of("fullUrl", "resource");
    private static final Set<String> RESERVED_AT_RESOURCE = Set.of("resourceType", "id");
    private static final Set<String> HEADER_KEPT = Set.of("eventCoding", "source", "focus");

    private final CopyMinimiser minimiser = RealConfig.minimiser();

    @Property(tries = 200)
    void everyCopyHoldsOnlyWhatItsProfileAllows(@ForAll("messages") ObjectNode message) throws IOException {
        for (FieldProfile profile : PROFILES) {
            ObjectNode copy = minimiser.minimise(message, profile);

            List<Leaf> leaves = leaves(copy);
            for (Leaf leaf : leaves) {
                assertThat(leaf.allowed(profile)).as("profile %s let %s through", profile.name(), leaf).isTrue();
            }
            // No marker anywhere else either (keys, or anything the leaf walk might not see).
            long inLeaves = leaves.stream().mapToLong(l -> occurrences(l.value.isTextual() ? l.value.asText() : "")).sum();
            assertThat(occurrences(JSON.writeValueAsString(copy))).as("markers in %s copy", profile.name()).isEqualTo(inLeaves);

            // That what a profile names exactly is not lost: FreeTextPropertyTest, over well-formed elements.
        }
    }

    // --- generators ---

    @Provide
    Arbitrary<ObjectNode> messages() {
        Arbitrary<Injection> injections = Combinators.combine(Arbitraries.integers().between(0, 100_000), names(), values(3))
                .as(Injection::new);
        Arbitrary<ExtraResource> extras = Combinators.combine(Arbitraries.integers().between(0, 100), resourceTypes(),
                        Arbitraries.maps(names(), values(2)).ofMaxSize(4), Arbitraries.of(true, false), markers())
                .as(ExtraResource::new);
        return Combinators.combine(extras.list().ofMaxSize(3), injections.list().ofMinSize(1).ofMaxSize(15))
                .as(CopyMinimiserPropertyTest::build);
    }

    private static Arbitrary<String> names() {
        Arbitrary<String> random = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> nearMiss = Combinators.combine(Arbitraries.of(KNOWN),
                Arbitraries.strings().withChars("XxYZ19_").ofMinLength(1).ofMaxLength(3)).as(String::concat);
        Arbitrary<String> known = Arbitraries.of(KNOWN);
        Arbitrary<String> primitiveExtension = Arbitraries.of(KNOWN).map(k -> "_" + k);
        Arbitrary<String> dotted = Combinators.combine(Arbitraries.of(KNOWN), random).as((k, r) -> k + "." + r);
        return Arbitraries.frequencyOf(
                Tuple.of(3, random), Tuple.of(3, nearMiss), Tuple.of(3, known), Tuple.of(2, primitiveExtension),
                Tuple.of(2, dotted), Tuple.of(3, Arbitraries.of(SPECIAL)));
    }

    private static Arbitrary<String> resourceTypes() {
        Arbitrary<String> odd = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6)
                .map(s -> Character.toUpperCase(s.charAt(0)) + s.substring(1));
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(RESOURCE_TYPES)), Tuple.of(1, odd));
    }

    private static Arbitrary<String> markers() {
        return Arbitraries.strings().alpha().numeric().ofMaxLength(6).map(s -> MARKER + s);
    }

    private static Arbitrary<JsonNode> values(int depth) {
        Arbitrary<JsonNode> primitive = Arbitraries.frequencyOf(
                Tuple.of(6, markers().map(TextNode::valueOf)),
                Tuple.of(1, Arbitraries.integers().between(-5, 5000).map(IntNode::valueOf)),
                Tuple.of(1, Arbitraries.of(true, false).map(BooleanNode::valueOf)),
                Tuple.of(1, Arbitraries.just(NullNode.getInstance())));
        Arbitrary<JsonNode> extension = Combinators.combine(markers(), markers()).as((url, value) -> {
            ArrayNode array = JSON.createArrayNode();
            array.addObject().put("url", "https://example.org/" + url).put("valueString", value);
            return array;
        });
        Arbitrary<JsonNode> narrative = markers().map(m -> {
            ObjectNode text = JSON.createObjectNode();
            text.put("status", "generated").put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + m + "</div>");
            return text;
        });
        if (depth == 0) {
            return primitive;
        }
        Arbitrary<JsonNode> object = Arbitraries.maps(names(), Arbitraries.lazy(() -> values(depth - 1))).ofMaxSize(3).map(m -> {
            ObjectNode node = JSON.createObjectNode();
            m.forEach(node::set);
            return node;
        });
        Arbitrary<JsonNode> array = Arbitraries.lazy(() -> values(depth - 1)).list().ofMinSize(1).ofMaxSize(3).map(l -> {
            ArrayNode node = JSON.createArrayNode();
            l.forEach(node::add);
            return node;
        });
        return Arbitraries.frequencyOf(Tuple.of(5, primitive), Tuple.of(3, object), Tuple.of(2, array),
                Tuple.of(1, extension), Tuple.of(1, narrative));
    }

    /** Sets {@code name} to {@code value} on the n-th object of the message, or appends the value to the n-th array. */
    record Injection(int target, String name, JsonNode value) {
    }

    /** A whole resource the sender added, as a new entry. */
    record ExtraResource(int position, String type, Map<String, JsonNode> content, boolean withNarrative, String marker) {
    }

    private static ObjectNode build(List<ExtraResource> extras, List<Injection> injections) {
        ObjectNode message = PLACEMENT.deepCopy();
        ArrayNode entries = (ArrayNode) message.path("entry");
        int n = 0;
        for (ExtraResource extra : extras) {
            ObjectNode resource = JSON.createObjectNode();
            resource.put("resourceType", extra.type).put("id", "extra-" + n);
            extra.content.forEach((k, v) -> resource.set(k, v.deepCopy()));
            if (extra.withNarrative) {
                resource.putObject("text").put("status", "generated").put("div", "<div>" + extra.marker + "</div>");
            }
            ObjectNode entry = JSON.createObjectNode();
            entry.put("fullUrl", "urn:uuid:00000000-0000-4000-8000-00000000000" + n++);
            entry.set("resource", resource);
            entries.insert(1 + extra.position % entries.size(), entry);
        }
        for (Injection injection : injections) {
            List<Container> containers = new ArrayList<>();
            collect(message, Level.BUNDLE, containers);
            Container target = containers.get(injection.target % containers.size());
            if (target.node instanceof ArrayNode array) {
                array.add(injection.value.deepCopy());
            } else if (!target.level.reserved().contains(injection.name)) {
                ((ObjectNode) target.node).set(injection.name, injection.value.deepCopy());
            }
        }
        return message;
    }

    enum Level {
        BUNDLE(RESERVED_AT_BUNDLE), ENTRY(RESERVED_AT_ENTRY), RESOURCE(RESERVED_AT_RESOURCE), ELEMENT(Set.of());

        private final Set<String> reserved;

        Level(Set<String> reserved) {
            this.reserved = reserved;
        }

        Set<String> reserved() {
            return reserved;
        }
    }

    record Container(JsonNode node, Level level) {
    }

    private static void collect(JsonNode node, Level level, List<Container> out) {
        if (!node.isContainerNode()) {
            return;
        }
        out.add(new Container(node, level));
        if (node.isArray()) {
            Level items = level == Level.BUNDLE ? Level.ENTRY : level;
            node.forEach(item -> collect(item, items, out));
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            Level child = switch (level) {
                case BUNDLE -> "entry".equals(field.getKey()) ? Level.BUNDLE : Level.ELEMENT;
                case ENTRY -> "resource".equals(field.getKey()) ? Level.RESOURCE : Level.ELEMENT;
                default -> Level.ELEMENT;
            };
            if (level == Level.BUNDLE && "entry".equals(field.getKey()) && field.getValue().isArray()) {
                out.add(new Container(field.getValue(), Level.BUNDLE));
                field.getValue().forEach(item -> collect(item, Level.ENTRY, out));
            } else {
                collect(field.getValue(), child, out);
            }
        }
    }

    // --- reading a message back as leaves with their paths ---

    /**
     * A value without children (or an empty container) at a path. {@code structural} for the Bundle's own fields;
     * {@code header} for the first MessageHeader; {@code path} is resource type then element names.
     */
    record Leaf(List<String> path, JsonNode value, boolean structural, boolean header) {

        boolean allowed(FieldProfile profile) {
            if (structural) {
                return true;
            }
            if (path.isEmpty()) {
                return false;
            }
            if (header && path.size() >= 2 && "MessageHeader".equals(path.get(0)) && HEADER_KEPT.contains(path.get(1))) {
                return true;
            }
            // The path or an ancestor is named by the profile, segment by segment.
            for (int k = 2; k <= path.size(); k++) {
                if (profile.elements().contains(String.join(".", path.subList(0, k)))) {
                    return true;
                }
            }
            return false;
        }

        boolean isMarker() {
            return value.isTextual() && value.asText().contains(MARKER);
        }

        @Override
        public String toString() {
            return String.join(".", path) + (structural ? " (structural)" : "") + " = " + value;
        }
    }

    private static List<Leaf> leaves(JsonNode bundle) {
        List<Leaf> leaves = new ArrayList<>();
        boolean headerSeen = false;
        Iterator<Map.Entry<String, JsonNode>> fields = bundle.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if ("entry".equals(name) && field.getValue().isArray()) {
                for (JsonNode entry : field.getValue()) {
                    if (!entry.isObject()) {
                        walk(entry, List.of("Bundle", "entry"), false, leaves);
                        continue;
                    }
                    Iterator<Map.Entry<String, JsonNode>> entryFields = entry.fields();
                    while (entryFields.hasNext()) {
                        Map.Entry<String, JsonNode> entryField = entryFields.next();
                        if ("fullUrl".equals(entryField.getKey()) && entryField.getValue().isTextual()) {
                            leaves.add(new Leaf(List.of("Bundle", "entry", "fullUrl"), entryField.getValue(), true, false));
                        } else if ("resource".equals(entryField.getKey()) && entryField.getValue().isObject()
                                && entryField.getValue().path("resourceType").isTextual()) {
                            JsonNode resource = entryField.getValue();
                            String type = resource.path("resourceType").asText();
                            boolean header = !headerSeen && "MessageHeader".equals(type);
                            headerSeen |= header;
                            resource(resource, type, header, leaves);
                        } else {
                            walk(entryField.getValue(), List.of("Bundle", "entry", entryField.getKey()), false, leaves);
                        }
                    }
                }
            } else if (RESERVED_AT_BUNDLE.contains(name) && field.getValue().isTextual()) {
                leaves.add(new Leaf(List.of("Bundle", name), field.getValue(), true, false));
            } else {
                walk(field.getValue(), List.of("Bundle", name), false, leaves);
            }
        }
        return leaves;
    }

    private static void resource(JsonNode resource, String type, boolean header, List<Leaf> leaves) {
        Iterator<Map.Entry<String, JsonNode>> fields = resource.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (RESERVED_AT_RESOURCE.contains(name) && field.getValue().isTextual()) {
                leaves.add(new Leaf(List.of(type, name), field.getValue(), true, header));
            } else {
                walk(field.getValue(), List.of(type, element(name)), header, leaves);
            }
        }
    }

    private static void walk(JsonNode value, List<String> path, boolean header, List<Leaf> leaves) {
        if (value.isArray() && !value.isEmpty()) {
            value.forEach(item -> walk(item, path, header, leaves));
        } else if (value.isObject() && !value.isEmpty()) {
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                List<String> child = new ArrayList<>(path);
                child.add(element(field.getKey()));
                walk(field.getValue(), List.copyOf(child), header, leaves);
            }
        } else {
            leaves.add(new Leaf(path, value, false, header));
        }
    }

    /** A primitive's extensions ({@code _birthDate}) belong to the primitive. */
    private static String element(String name) {
        return name.startsWith("_") ? name.substring(1) : name;
    }

    private static long occurrences(String text) {
        long count = 0;
        for (int i = text.indexOf(MARKER); i >= 0; i = text.indexOf(MARKER, i + 1)) {
            count++;
        }
        return count;
    }

    private static JsonNode read(String example) {
        try {
            return JSON.readTree(RealConfig.exampleText(example));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
