package org.carebridge.security.minimisation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimePrimitiveDatatypeDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.security.fhir.FhirJsonTree;
import org.carebridge.security.fhir.GatewayCodeSystems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

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
 */
public final class CopyMinimiser {

    /** What every copy keeps so that it is still a FHIR message: the header's event, source and focus. */
    private static final FieldProfile MESSAGE_HEADER = FieldProfile.of("message-header",
            List.of("MessageHeader.eventCoding", "MessageHeader.source", "MessageHeader.source.name", "MessageHeader.focus"));

    private static final Pattern ELEMENT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    /** Never sent, whatever a profile says. */
    private static final Set<String> NEVER = Set.of("text", "contained", "meta");
    /** Types whose values a person types. */
    private static final Set<String> FREE_TEXT = Set.of("string", "markdown", "base64Binary", "xhtml");
    /** String elements that are structure: an identifier's value, a reference's target, a code system's version. */
    private static final Set<String> STRUCTURAL_STRINGS = Set.of("Identifier.value", "Reference.reference", "Coding.version");

    private final ObjectMapper json = new ObjectMapper();
    private final FhirContext fhir = FhirContext.forR4Cached();
    private final GatewayCodeSystems codes;

    public CopyMinimiser(GatewayCodeSystems codes) {
        this.codes = codes;
    }

    public byte[] minimise(byte[] bundleJson, FieldProfile profile) {
        try {
            return FhirJsonTree.write(minimise(FhirJsonTree.read(bundleJson), profile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot minimise a message that was not JSON", e);
        }
    }

    public ObjectNode minimise(JsonNode bundle, FieldProfile profile) {
        ObjectNode copy = json.createObjectNode();
        copyIfText(bundle, copy, "resourceType");
        copyIfText(bundle, copy, "id");
        copyIfText(bundle, copy, "type");
        copyIfText(bundle, copy, "timestamp");
        ArrayNode entries = copy.putArray("entry");
        Set<String> original = new HashSet<>();
        boolean headerSeen = false;
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            String type = resource.path("resourceType").asText("");
            names(entry, type).forEach(original::add);
            boolean isHeader = "MessageHeader".equals(type) && !headerSeen;
            headerSeen |= isHeader;
            FieldProfile applied = isHeader ? MESSAGE_HEADER : profile;
            RuntimeResourceDefinition definition = definition(type);
            if (definition == null || (!isHeader && !applied.allowsResourceType(type))) {
                continue;
            }
            ObjectNode keptResource = resource(resource, type, definition, applied);
            if (!isHeader && !complete(keptResource, definition)) {
                continue; // what remains would not be a valid resource
            }
            ObjectNode keptEntry = entries.addObject();
            if (entry.path("fullUrl").isTextual()) {
                keptEntry.put("fullUrl", entry.path("fullUrl").asText());
            }
            keptEntry.set("resource", keptResource);
        }
        dropDanglingReferences(entries, original);
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

    private ObjectNode resource(JsonNode resource, String type, RuntimeResourceDefinition definition, FieldProfile profile) {
        ObjectNode copy = json.createObjectNode();
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
            JsonNode kept = child(field.getValue(), name, definition, type, false, profile);
            if (kept != null) {
                copy.set(name, kept);
            }
        }
        return copy;
    }

    /**
     * One JSON field of a composite: what of it the copy keeps, or null. {@code named} when the composite itself (or an
     * ancestor) is named by the profile, or required by R4 of what is kept.
     */
    private JsonNode child(JsonNode value, String name, BaseRuntimeElementCompositeDefinition<?> parent, String parentPath,
                           boolean named, FieldProfile profile) {
        boolean underscore = name.startsWith("_");
        String element = underscore ? name.substring(1) : name;
        if (!ELEMENT_NAME.matcher(element).matches()) {
            return null; // not a FHIR element name (a dot would let it pose as a deeper, allowed path)
        }
        BaseRuntimeChildDefinition child = parent.getChildByName(element);
        BaseRuntimeElementDefinition<?> definition;
        if (child == null) {
            definition = null;
        } else if ("extension".equals(element) || "modifierExtension".equals(element)) {
            definition = extension();
        } else {
            definition = child.getChildByName(element);
        }
        if (definition == null) {
            return null; // not an element of this type in R4
        }
        String path = parentPath + "." + element;
        boolean structural = STRUCTURAL_STRINGS.contains(parent.getName() + "." + element);
        boolean childNamed = named || profile.allowsWhole(path) || child.getMin() > 0;
        if (!childNamed && !profile.allowsSomeBeneath(path)) {
            return null;
        }
        if (value.isArray()) {
            ArrayNode array = json.createArrayNode();
            for (JsonNode item : value) {
                JsonNode kept = item(item, definition, path, childNamed, structural, underscore, profile);
                if (kept != null) {
                    array.add(kept);
                }
            }
            return array.isEmpty() ? null : array;
        }
        return item(value, definition, path, childNamed, structural, underscore, profile);
    }

    private JsonNode item(JsonNode value, BaseRuntimeElementDefinition<?> definition, String path, boolean named,
                          boolean structural, boolean underscore, FieldProfile profile) {
        if (definition instanceof RuntimePrimitiveDatatypeDefinition || FREE_TEXT.contains(definition.getName())) {
            if (!named || (FREE_TEXT.contains(definition.getName()) && !profile.elements().contains(path) && !structural)) {
                return null;
            }
            if (underscore) {
                return primitiveExtensions(value, path, profile);
            }
            return value.isValueNode() && !value.isNull() ? value.deepCopy() : null;
        }
        if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite) || definition instanceof RuntimeResourceDefinition
                || underscore || !value.isObject()) {
            return null;
        }
        ObjectNode copy = json.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if ("id".equals(field.getKey())) {
                continue; // an element's internal id carries nothing a recipient needs
            }
            JsonNode kept = child(field.getValue(), field.getKey(), composite, path, named, profile);
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
    private JsonNode primitiveExtensions(JsonNode value, String path, FieldProfile profile) {
        if (!value.isObject() || !value.path("extension").isArray()) {
            return null;
        }
        BaseRuntimeElementCompositeDefinition<?> extension = extension();
        ArrayNode kept = json.createArrayNode();
        for (JsonNode item : value.path("extension")) {
            JsonNode one = item(item, extension, path + ".extension", true, false, false, profile);
            if (one != null) {
                kept.add(one);
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        ObjectNode copy = json.createObjectNode();
        copy.set("extension", kept);
        return copy;
    }

    private BaseRuntimeElementCompositeDefinition<?> extension() {
        return (BaseRuntimeElementCompositeDefinition<?>) fhir.getElementDefinition(org.hl7.fhir.r4.model.Extension.class);
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
    private static boolean complete(JsonNode node, BaseRuntimeElementCompositeDefinition<?> definition) {
        for (BaseRuntimeChildDefinition child : definition.getChildren()) {
            if (child.getMin() < 1) {
                continue;
            }
            boolean present = false;
            for (String name : child.getValidChildNames()) {
                present |= node.has(name) || node.has("_" + name);
            }
            if (!present) {
                return false;
            }
        }
        return true;
    }

    private RuntimeResourceDefinition definition(String type) {
        if (type.isEmpty() || !ELEMENT_NAME.matcher(type).matches()) {
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
}
