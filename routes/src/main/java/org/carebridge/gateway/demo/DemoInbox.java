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
import java.util.function.Function;
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
    private final AtomicInteger posts = new AtomicInteger();
    private final java.util.Map<String, Integer> refusals = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean online = true;
    private volatile boolean openOnReceipt = true;
    private final Function<byte[], byte[]> unseal;
    /** Message ids in the order they first arrived, while a test asks for them; null otherwise. */
    private volatile java.util.Queue<String> arrivals;

    public DemoInbox(String partnerId, Path dir) throws IOException {
        this(partnerId, dir, null);
    }

    /** @param unseal opens a sealed copy as this partner would (decrypt with its key, verify the gateway's signature) */
    public DemoInbox(String partnerId, Path dir, Function<byte[], byte[]> unseal) throws IOException {
        this.partnerId = partnerId;
        this.dir = Files.createDirectories(dir);
        this.unseal = unseal;
    }

    /** @return the HTTP status the simulator answers */
    public int receive(String messageId, String contentType, byte[] body) throws IOException {
        posts.incrementAndGet();
        if (!online) {
            return 503;
        }
        Integer refused = messageId == null ? null : refusals.get(messageId);
        if (refused != null) {
            return refused;
        }
        if (messageId == null || messageId.isBlank()) {
            return 400;
        }
        boolean sealed = contentType == null || !contentType.contains("json");
        byte[] opened = null;
        if (sealed && unseal != null && openOnReceipt) {
            try {
                opened = unseal.apply(body);
            } catch (RuntimeException e) {
                return 400;
            }
        }
        if (store(messageId, sealed ? ".p7m" : ".json", body)) {
            java.util.Queue<String> order = arrivals;
            if (order != null) {
                order.add(messageId);
            }
            if (opened != null) {
                // what the partner's system reads, beside the sealed copy exactly as it arrived
                store(messageId, ".json", opened);
            }
        }
        return 200;
    }

    /** @return false for a duplicate */
    private boolean store(String messageId, String extension, byte[] body) throws IOException {
        Path file = dir.resolve(fileName(messageId) + extension);
        Path partial = dir.resolve("." + file.getFileName() + "." + Thread.currentThread().getId() + ".part");
        Files.write(partial, body);
        try {
            Files.createLink(file, partial);
            return true;
        } catch (FileAlreadyExistsException e) {
            duplicates.incrementAndGet();
            return false;
        } finally {
            Files.deleteIfExists(partial);
        }
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

    /**
     * Whether a sealed copy is opened (decrypted, the gateway's signature checked) as it arrives. Off, the inbox only
     * stores and counts what it is sent, as a sink for the load harness that keeps the partner's decryption off the
     * gateway's cores; {@link #open} then checks stored copies afterwards.
     */
    public void setOpenOnReceipt(boolean openOnReceipt) {
        this.openOnReceipt = openOnReceipt;
    }

    public boolean opensOnReceipt() {
        return openOnReceipt;
    }

    /** Opens a stored sealed copy as this partner would; throws when it does not decrypt or verify. */
    public byte[] open(Path sealedCopy) throws IOException {
        if (unseal == null) {
            throw new IllegalStateException("partner '" + partnerId + "' has no key to open sealed copies");
        }
        return unseal.apply(Files.readAllBytes(sealedCopy));
    }

    /**
     * Starts noting the order copies first arrive in (duplicates are not noted again), for a check of delivery order;
     * any earlier note is dropped. Off by default, so a long run keeps no list.
     */
    public void noteArrivals() {
        arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    }

    /** Message ids in the order they first arrived since {@link #noteArrivals}. */
    public List<String> arrivals() {
        java.util.Queue<String> order = arrivals;
        return order == null ? List.of() : List.copyOf(order);
    }

    /** Every copy posted here, received or not, duplicates included. */
    public int posts() {
        return posts.get();
    }

    /** Simulates a receiving system that cannot take one message (a 4xx refusal, or a 5xx it fails with), however often sent. */
    public void refuse(String messageId, int status) {
        refusals.put(messageId, status);
    }

    /** Takes the message again, as the receiving system would once fixed. */
    public void accept(String messageId) {
        refusals.remove(messageId);
    }

    public boolean online() {
        return online;
    }

    /** Simulates an outage: every request (deliveries and probes) is answered 503 until the partner is back online. */
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
