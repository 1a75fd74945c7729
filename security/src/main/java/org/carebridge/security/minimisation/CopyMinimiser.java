package org.carebridge.security.minimisation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Makes one recipient's copy of a FHIR message Bundle: only what its field profile allows. Works on the JSON as the
 * sender wrote it, so nothing the gateway's own model does not know about can slip through: an element is copied only
 * when a path in the profile allows it.
 */
public final class CopyMinimiser {

    /** What every copy keeps so that it is still a FHIR message: the header's event, source and focus. */
    private static final FieldProfile MESSAGE_HEADER = FieldProfile.of("message-header",
            java.util.List.of("MessageHeader.eventCoding", "MessageHeader.source", "MessageHeader.focus"));

    private static final java.util.regex.Pattern ELEMENT_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    private final ObjectMapper json = new ObjectMapper();

    public byte[] minimise(byte[] bundleJson, FieldProfile profile) {
        try {
            JsonNode bundle = json.readTree(bundleJson);
            return json.writeValueAsBytes(minimise(bundle, profile));
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
        Set<String> kept = new HashSet<>();
        ObjectNode header = null;
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            String type = resource.path("resourceType").asText("");
            boolean isHeader = "MessageHeader".equals(type) && header == null;
            FieldProfile applied = isHeader ? MESSAGE_HEADER : profile;
            if (!isHeader && !applied.allowsResourceType(type)) {
                continue;
            }
            ObjectNode keptEntry = entries.addObject();
            if (entry.path("fullUrl").isTextual()) {
                keptEntry.put("fullUrl", entry.path("fullUrl").asText());
                kept.add(entry.path("fullUrl").asText());
            }
            ObjectNode keptResource = resource(resource, type, applied);
            keptEntry.set("resource", keptResource);
            if (resource.path("id").isTextual()) {
                kept.add(type + "/" + resource.path("id").asText());
            }
            if (isHeader) {
                header = keptResource;
            }
        }
        if (header != null && header.path("focus").isArray()) {
            // Focus may only point at what the recipient actually gets.
            Iterator<JsonNode> focus = header.withArray("focus").elements();
            while (focus.hasNext()) {
                if (!kept.contains(focus.next().path("reference").asText())) {
                    focus.remove();
                }
            }
            if (header.path("focus").isEmpty()) {
                header.remove("focus");
            }
        }
        return copy;
    }

    private ObjectNode resource(JsonNode resource, String type, FieldProfile profile) {
        ObjectNode copy = json.createObjectNode();
        copy.put("resourceType", type);
        copyIfText(resource, copy, "id");
        filterChildren(resource, copy, type, profile);
        return copy;
    }

    private void filterChildren(JsonNode source, ObjectNode target, String path, FieldProfile profile) {
        Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if ("resourceType".equals(name) || ("id".equals(name) && path.indexOf('.') < 0)) {
                continue;
            }
            // A primitive's extensions ("_birthDate") go with the primitive.
            String element = name.startsWith("_") ? name.substring(1) : name;
            if (!ELEMENT_NAME.matcher(element).matches()) {
                continue; // not a FHIR element name (a dot would let it pose as a deeper, allowed path)
            }
            JsonNode kept = filter(field.getValue(), path + "." + element, profile);
            if (kept != null) {
                target.set(name, kept);
            }
        }
    }

    private JsonNode filter(JsonNode value, String path, FieldProfile profile) {
        if (profile.allowsWhole(path)) {
            return value.deepCopy();
        }
        if (!profile.allowsSomeBeneath(path)) {
            return null;
        }
        if (value.isArray()) {
            ArrayNode array = json.createArrayNode();
            for (JsonNode item : value) {
                JsonNode kept = filter(item, path, profile);
                if (kept != null && !(kept.isObject() && kept.isEmpty())) {
                    array.add(kept);
                }
            }
            return array.isEmpty() ? null : array;
        }
        if (value.isObject()) {
            ObjectNode object = json.createObjectNode();
            filterChildren(value, object, path, profile);
            return object.isEmpty() ? null : object;
        }
        return null;
    }

    private static void copyIfText(JsonNode from, ObjectNode to, String field) {
        if (from.path(field).isTextual()) {
            to.put(field, from.path(field).asText());
        }
    }
}
