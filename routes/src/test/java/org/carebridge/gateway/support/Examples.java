package org.carebridge.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** The example messages under config/examples, with a fresh message id so that tests do not collide. */
public final class Examples {

    public static final Path CONFIG = Path.of("..", "config");

    private Examples() {
    }

    public static String placementNotification(String messageId) throws IOException {
        return withMessageId(Files.readString(CONFIG.resolve("examples/placement-notification.json")), messageId);
    }

    public static String newMessageId() {
        return UUID.randomUUID().toString();
    }

    /** Replaces Bundle.id, the first "id" in the file. */
    public static String withMessageId(String bundleJson, String messageId) {
        return bundleJson.replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"", "\"id\": \"" + messageId + "\"");
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
