package org.carebridge.gateway.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A simulated partner's inbox: every body it receives is written, as received, to one file per message id. A second
 * body with the same message id is counted as a duplicate and not stored again, as a real receiver would de-duplicate.
 */
public class DemoInbox {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,80}");

    private final String partnerId;
    private final Path dir;
    private final AtomicInteger duplicates = new AtomicInteger();
    private volatile boolean online = true;

    public DemoInbox(String partnerId, Path dir) throws IOException {
        this.partnerId = partnerId;
        this.dir = Files.createDirectories(dir);
    }

    /** @return the HTTP status the simulator answers */
    public int receive(String messageId, String contentType, byte[] body) throws IOException {
        if (!online) {
            return 503;
        }
        if (messageId == null || messageId.isBlank()) {
            return 400;
        }
        String extension = contentType != null && contentType.contains("json") ? ".json" : ".p7m";
        Path file = dir.resolve(fileName(messageId) + extension);
        Path partial = dir.resolve("." + file.getFileName() + "." + Thread.currentThread().getId() + ".part");
        Files.write(partial, body);
        try {
            Files.createLink(file, partial);
        } catch (FileAlreadyExistsException e) {
            duplicates.incrementAndGet();
        } finally {
            Files.deleteIfExists(partial);
        }
        return 200;
    }

    public String partnerId() {
        return partnerId;
    }

    public Path dir() {
        return dir;
    }

    public int duplicates() {
        return duplicates.get();
    }

    public List<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** Simulates an outage: every delivery is answered 503 until the partner is back online. */
    public void setOnline(boolean online) {
        this.online = online;
    }

    private static String fileName(String messageId) {
        if (SAFE_ID.matcher(messageId).matches()) {
            return messageId;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
