package org.carebridge.gateway.partner;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.security.partner.Partner;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A message the gateway itself sends one partner (a breach alert, a copy withdrawal): the message Bundle, its
 * MessageHeader from the gateway to the partner, and the Task it is about, left for the caller to fill in. Entry URLs
 * derive from {@code seed}, so the same message is built the same way each time.
 */
public record GatewayTaskMessage(ObjectNode bundle, ObjectNode task) {

    public static GatewayTaskMessage of(String messageId, Instant now, String eventSystem, String eventCode,
                                        String recipient, String seed) {
        String taskUrl = "urn:uuid:" + uuid("task:" + seed);
        ObjectNode bundle = JsonNodeFactory.instance.objectNode();
        bundle.put("resourceType", "Bundle");
        bundle.put("id", messageId);
        bundle.put("type", "message");
        bundle.put("timestamp", now.toString());
        ArrayNode entries = bundle.putArray("entry");

        ObjectNode headerEntry = entries.addObject();
        headerEntry.put("fullUrl", "urn:uuid:" + uuid("header:" + seed));
        ObjectNode header = headerEntry.putObject("resource");
        header.put("resourceType", "MessageHeader");
        ObjectNode event = header.putObject("eventCoding");
        event.put("system", eventSystem);
        event.put("code", eventCode);
        ObjectNode destination = header.putArray("destination").addObject();
        destination.put("name", recipient);
        destination.put("endpoint", PartnerEndpoints.PREFIX + recipient);
        ObjectNode source = header.putObject("source");
        source.put("name", Partner.gateway().name());
        source.put("endpoint", PartnerEndpoints.PREFIX + Partner.GATEWAY_ID);
        header.putArray("focus").addObject().put("reference", taskUrl);

        ObjectNode taskEntry = entries.addObject();
        taskEntry.put("fullUrl", taskUrl);
        ObjectNode task = taskEntry.putObject("resource");
        task.put("resourceType", "Task");
        return new GatewayTaskMessage(bundle, task);
    }

    private static UUID uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
