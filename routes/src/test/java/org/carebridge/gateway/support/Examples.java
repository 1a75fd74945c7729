package org.carebridge.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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

    /** A random NHS number with a valid modulus 11 check digit. */
    public static String freshNhsNumber() {
        while (true) {
            StringBuilder digits = new StringBuilder();
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                int d = ThreadLocalRandom.current().nextInt(10);
                digits.append(d);
                sum += d * (10 - i);
            }
            int check = 11 - (sum % 11);
            if (check == 11) {
                check = 0;
            }
            if (check != 10) {
                return digits.append(check).toString();
            }
        }
    }
}
