package org.carebridge.security.minimisation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimePrimitiveDatatypeDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.security.fhir.FhirJsonTree;
import org.carebridge.security.fhir.GatewayCodeSystems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes one recipient's copy of a FHIR message Bundle: only what its field profile allows. Works on the JSON as the
 * sender wrote it, walked against the FHIR R4 definitions, so nothing the definitions do not know about can slip through.
 *
 * <p>Naming an element passes its coded and structural content: codes, identifiers, dates, numbers, quantities,
 * references. Free text inside it (any {@code string}, {@code markdown} or {@code base64Binary}: CodeableConcept.text,
 * Reference.display, Annotation, Attachment data, a name's parts) passes only where the profile names that exact path;
 * an identifier's value and a reference's target are structure, not text. A Coding's display for one of the gateway's own
 * code systems is written from the shipped code system, never copied.
 *
 * <p>The copy stays valid FHIR R4: the elements R4 requires of every resource and element kept are kept too; an
 * element or resource left without a required element goes; and every reference to a resource the copy leaves out is
 * removed.
 *
 * <p>The copies of one message for several recipients are made in one go ({@link #minimise(JsonNode, List)}): what every
 * copy shares (the header's copy, the names references may use) is worked out once, and a profile's elements are looked
 * up as a tree of names rather than as strings built for every element of the message.
 */
public final class CopyMinimiser {

    /** What every copy keeps so that it is still a FHIR message: the header's event, source and focus. */
    private static final FieldProfile MESSAGE_HEADER = FieldProfile.of("message-header",
            List.of("MessageHeader.eventCoding", "MessageHeader.source", "MessageHeader.source.name", "MessageHeader.focus"));

    /** Never sent, whatever a profile says. */
    private static final Set<String> NEVER = Set.of("text", "contained", "meta");
    /** Types whose values a person types. */
    private static final Set<String> FREE_TEXT = Set.of("string", "markdown", "base64Binary", "xhtml");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ProfilePaths HEADER_PATHS = ProfilePaths.of(MESSAGE_HEADER);

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final GatewayCodeSystems codes;
    private final BaseRuntimeElementCompositeDefinition<?> extension;
    private final Map<FieldProfile, ProfilePaths> paths = new ConcurrentHashMap<>();
    /** Per composite definition: the names (with their {@code _} forms) of each element R4 requires of it. */
    private final Map<BaseRuntimeElementCompositeDefinition<?>, String[][]> required = new ConcurrentHashMap<>();

    public CopyMinimiser(GatewayCodeSystems codes) {
        this.codes = codes;
        this.extension = (BaseRuntimeElementCompositeDefinition<?>) fhir.getElementDefinition(org.hl7.fhir.r4.model.Extension.class);
    }

    public byte[] minimise(byte[] bundleJson, FieldProfile profile) {
        try {
            return FhirJsonTree.write(minimise(FhirJsonTree.read(bundleJson), profile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot minimise a message that was not JSON", e);
        }
    }

    public ObjectNode minimise(JsonNode bundle, FieldProfile profile) {
        return minimise(bundle, List.of(profile)).get(0);
    }

    /** One copy of the message for each profile, in order; each copy is the one {@link #minimise(JsonNode, FieldProfile)} makes. */
    public List<ObjectNode> minimise(JsonNode bundle, List<FieldProfile> profiles) {
        Message message = new Message(bundle);
        List<ObjectNode> copies = new ArrayList<>(profiles.size());
        for (FieldProfile profile : profiles) {
            copies.add(copy(message, profile));
        }
        return copies;
    }

    /** What every copy of one message shares: its entries' types and definitions, the names of its resources, its header's copy. */
    private final class Message {

        final JsonNode bundle;
        final List<JsonNode> entries = new ArrayList<>();
        final List<String> types = new ArrayList<>();
        final List<RuntimeResourceDefinition> definitions = new ArrayList<>();
        final Set<String> original = new HashSet<>();
        int header = -1;
        ObjectNode headerCopy;

        Message(JsonNode bundle) {
            this.bundle = bundle;
            for (JsonNode entry : bundle.path("entry")) {
                String type = entry.path("resource").path("resourceType").asText("");
                original.addAll(names(entry, type));
                if (header < 0 && "MessageHeader".equals(type)) {
                    header = entries.size();
                }
                entries.add(entry);
                types.add(type);
                definitions.add(definition(type));
            }
        }

        ObjectNode header() {
            if (headerCopy == null) {
                headerCopy = resource(entries.get(header).path("resource"), "MessageHeader", definitions.get(header), HEADER_PATHS);
            }
            return headerCopy.deepCopy(); // each copy's references are cleaned in place
        }
    }

    private ObjectNode copy(Message message, FieldProfile profile) {
        ProfilePaths allowed = paths.computeIfAbsent(profile, ProfilePaths::of);
        JsonNode bundle = message.bundle;
        ObjectNode copy = JSON.objectNode();
        copyIfText(bundle, copy, "resourceType");
        copyIfText(bundle, copy, "id");
        copyIfText(bundle, copy, "type");
        copyIfText(bundle, copy, "timestamp");
        ArrayNode entries = copy.putArray("entry");
        for (int i = 0; i < message.entries.size(); i++) {
            JsonNode entry = message.entries.get(i);
            String type = message.types.get(i);
            RuntimeResourceDefinition definition = message.definitions.get(i);
            boolean isHeader = i == message.header;
            if (definition == null || (!isHeader && !allowed.someBeneath(type))) {
                continue;
            }
            ObjectNode keptResource;
            if (isHeader) {
                keptResource = message.header();
            } else {
                keptResource = resource(entry.path("resource"), type, definition, allowed);
                if (!complete(keptResource, definition)) {
                    continue; // what remains would not be a valid resource
                }
            }
            ObjectNode keptEntry = entries.addObject();
            if (entry.path("fullUrl").isTextual()) {
                keptEntry.put("fullUrl", entry.path("fullUrl").asText());
            }
            keptEntry.set("resource", keptResource);
        }
        dropDanglingReferences(entries, message.original);
        return copy;
    }

    /** The names a reference may use for this entry: its fullUrl and Type/id. */
    private static List<String> names(JsonNode entry, String type) {
        List<String> names = new java.util.ArrayList<>();
        if (entry.path("fullUrl").isTextual()) {
            names.add(entry.path("fullUrl").asText());
        }
        if (entry.path("resource").path("id").isTextual()) {
            names.add(type + "/" + entry.path("resource").path("id").asText());
        }
        return names;
    }

    /**
     * Removes every reference to a resource of the message the copy left out; an element left empty goes, and a resource
     * left without a required element goes too, which may leave more references dangling, so until nothing changes.
     */
    private void dropDanglingReferences(ArrayNode entries, Set<String> original) {
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<String> kept = new HashSet<>();
            entries.forEach(e -> names(e, e.path("resource").path("resourceType").asText()).forEach(kept::add));
            if (kept.containsAll(original)) {
                return; // no reference can name a resource the copy left out
            }
            Iterator<JsonNode> each = entries.elements();
            boolean first = true;
            while (each.hasNext()) {
                ObjectNode resource = (ObjectNode) each.next().path("resource");
                String type = resource.path("resourceType").asText();
                boolean header = first && "MessageHeader".equals(type);
                first = false;
                if (cleanReferences(resource, original, kept) && !header && !complete(resource, definition(type))) {
                    each.remove();
                    changed = true;
                }
            }
        }
    }

    /** True when something was removed from beneath this node. */
    private boolean cleanReferences(JsonNode node, Set<String> original, Set<String> kept) {
        boolean removed = false;
        if (node.isArray()) {
            Iterator<JsonNode> items = node.elements();
            while (items.hasNext()) {
                JsonNode item = items.next();
                removed |= cleanReferences(item, original, kept);
                if (item.isObject() && item.isEmpty()) {
                    items.remove();
                }
            }
        } else if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            JsonNode reference = object.get("reference");
            if (reference != null && reference.isTextual() && original.contains(reference.asText()) && !kept.contains(reference.asText())) {
                object.remove("reference");
                object.remove("_reference");
                if (!object.has("identifier")) {
                    object.removeAll();
                }
                return true;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                JsonNode value = fields.next().getValue();
                if (cleanReferences(value, original, kept)) {
                    removed = true;
                    if (value.isContainerNode() && value.isEmpty()) {
                        fields.remove();
                    }
                }
            }
        }
        return removed;
    }

    private ObjectNode resource(JsonNode resource, String type, RuntimeResourceDefinition definition, ProfilePaths allowed) {
        ProfilePaths at = allowed.child(type);
        boolean named = at != null && at.named; // a profile naming the whole resource type
        ObjectNode copy = JSON.objectNode();
        copy.put("resourceType", type);
        copyIfText(resource, copy, "id");
        Iterator<Map.Entry<String, JsonNode>> fields = resource.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if ("resourceType".equals(name) || "id".equals(name)) {
                continue;
            }
            String element = name.startsWith("_") ? name.substring(1) : name;
            if (NEVER.contains(element)) {
                continue;
            }
            JsonNode kept = child(field.getValue(), name, definition, at, named);
            if (kept != null) {
                copy.set(name, kept);
            }
        }
        return copy;
    }

    /**
     * One JSON field of a composite: what of it the copy keeps, or null. {@code named} when the composite itself (or an
     * ancestor) is named by the profile, or required by R4 of what is kept. {@code at} is the composite's place among the
     * profile's elements, or null when no element is named at or beneath it; when {@code named} is false, no element
     * names it or an ancestor, so a child is named only when an element is its very path.
     */
    private JsonNode child(JsonNode value, String name, BaseRuntimeElementCompositeDefinition<?> parent, ProfilePaths at,
                           boolean named) {
        boolean underscore = name.startsWith("_");
        String element = underscore ? name.substring(1) : name;
        if (!isElementName(element)) {
            return null; // not a FHIR element name (a dot would let it pose as a deeper, allowed path)
        }
        BaseRuntimeChildDefinition child = parent.getChildByName(element);
        BaseRuntimeElementDefinition<?> definition;
        if (child == null) {
            definition = null;
        } else if ("extension".equals(element) || "modifierExtension".equals(element)) {
            definition = extension;
        } else {
            definition = child.getChildByName(element);
        }
        if (definition == null) {
            return null; // not an element of this type in R4
        }
        ProfilePaths path = at == null ? null : at.child(element);
        boolean structural = structural(parent.getName(), element);
        boolean childNamed = named || (path != null && path.named) || child.getMin() > 0;
        if (!childNamed && (path == null || !path.someBeneath())) {
            return null;
        }
        if (value.isArray()) {
            ArrayNode array = JSON.arrayNode();
            for (JsonNode item : value) {
                JsonNode kept = item(item, definition, path, childNamed, structural, underscore);
                if (kept != null) {
                    array.add(kept);
                }
            }
            return array.isEmpty() ? null : array;
        }
        return item(value, definition, path, childNamed, structural, underscore);
    }

    /** {@code path}: the item's place among the profile's elements, or null when no element is named at or beneath it. */
    private JsonNode item(JsonNode value, BaseRuntimeElementDefinition<?> definition, ProfilePaths path, boolean named,
                          boolean structural, boolean underscore) {
        if (definition instanceof RuntimePrimitiveDatatypeDefinition || FREE_TEXT.contains(definition.getName())) {
            if (!named || (FREE_TEXT.contains(definition.getName()) && (path == null || !path.named) && !structural)) {
                return null;
            }
            if (underscore) {
                return primitiveExtensions(value, path);
            }
            return value.isValueNode() && !value.isNull() ? value.deepCopy() : null;
        }
        if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite) || definition instanceof RuntimeResourceDefinition
                || underscore || !value.isObject()) {
            return null;
        }
        ObjectNode copy = JSON.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if ("id".equals(field.getKey())) {
                continue; // an element's internal id carries nothing a recipient needs
            }
            JsonNode kept = child(field.getValue(), field.getKey(), composite, path, named);
            if (kept != null) {
                copy.set(field.getKey(), kept);
            }
        }
        if ("Coding".equals(definition.getName())) {
            display(copy);
        }
        if ("Extension".equals(definition.getName()) && !hasValueOrExtension(copy)) {
            return null;
        }
        return copy.isEmpty() || !complete(copy, composite) ? null : copy;
    }

    /** A primitive's {@code _x}: its extensions, as for any element. */
    private JsonNode primitiveExtensions(JsonNode value, ProfilePaths path) {
        if (!value.isObject() || !value.path("extension").isArray()) {
            return null;
        }
        ProfilePaths extensionPath = path == null ? null : path.child("extension");
        ArrayNode kept = JSON.arrayNode();
        for (JsonNode item : value.path("extension")) {
            JsonNode one = item(item, extension, extensionPath, true, false, false);
            if (one != null) {
                kept.add(one);
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        ObjectNode copy = JSON.objectNode();
        copy.set("extension", kept);
        return copy;
    }

    /** The display of one of the gateway's own codes is the shipped one; the sender's is never copied. */
    private void display(ObjectNode coding) {
        String system = coding.path("system").asText(null);
        if (!codes.isGatewaySystem(system)) {
            return;
        }
        coding.remove("_display");
        Optional<String> display = codes.display(system, coding.path("code").asText(null));
        if (display.isPresent()) {
            coding.put("display", display.get());
        } else {
            coding.remove("display");
        }
    }

    private static boolean hasValueOrExtension(ObjectNode extension) {
        Iterator<String> names = extension.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (name.startsWith("value") || "extension".equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Every element R4 requires (min 1) of this resource or element is present. */
    private boolean complete(JsonNode node, BaseRuntimeElementCompositeDefinition<?> definition) {
        for (String[] names : required.computeIfAbsent(definition, CopyMinimiser::requiredNames)) {
            boolean present = false;
            for (String name : names) {
                if (node.has(name)) {
                    present = true;
                    break;
                }
            }
            if (!present) {
                return false;
            }
        }
        return true;
    }

    /** For each element R4 requires of the definition, every name it may take in JSON, each also with its {@code _}. */
    private static String[][] requiredNames(BaseRuntimeElementCompositeDefinition<?> definition) {
        List<String[]> required = new ArrayList<>();
        for (BaseRuntimeChildDefinition child : definition.getChildren()) {
            if (child.getMin() < 1) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (String name : child.getValidChildNames()) {
                names.add(name);
                names.add("_" + name);
            }
            required.add(names.toArray(String[]::new));
        }
        return required.toArray(String[][]::new);
    }

    /** A FHIR element name: a letter, then letters and digits (a dot would let it pose as a deeper, allowed path). */
    private static boolean isElementName(String name) {
        if (name.isEmpty() || !isAsciiLetter(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAsciiLetter(c) && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** String elements that are structure: an identifier's value, a reference's target, a code system's version. */
    private static boolean structural(String type, String element) {
        return switch (type) {
            case "Identifier" -> "value".equals(element);
            case "Reference" -> "reference".equals(element);
            case "Coding" -> "version".equals(element);
            default -> false;
        };
    }

    private RuntimeResourceDefinition definition(String type) {
        if (type.isEmpty() || !isElementName(type)) {
            return null;
        }
        try {
            return fhir.getResourceDefinition(type);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void copyIfText(JsonNode from, ObjectNode to, String field) {
        if (from.path(field).isTextual()) {
            to.put(field, from.path(field).asText());
        }
    }

    /** A profile's elements as a tree of names: whether an element is this very path, and whether any lies beneath it. */
    private static final class ProfilePaths {

        private final Map<String, ProfilePaths> children = new HashMap<>();
        private boolean named;

        static ProfilePaths of(FieldProfile profile) {
            ProfilePaths root = new ProfilePaths();
            for (String element : profile.elements()) {
                ProfilePaths at = root;
                for (String name : element.split("\\.", -1)) {
                    at = at.children.computeIfAbsent(name, n -> new ProfilePaths());
                }
                at.named = true;
            }
            return root;
        }

        ProfilePaths child(String name) {
            return children.get(name);
        }

        boolean someBeneath() {
            return !children.isEmpty();
        }

        boolean someBeneath(String name) {
            ProfilePaths child = children.get(name);
            return child != null && child.someBeneath();
        }
    }
}
