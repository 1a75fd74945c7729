package org.carebridge.gateway.storage;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.record.DeliveryStore;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.minimisation.CopyMinimiser;
import org.carebridge.security.minimisation.FieldProfiles;
import org.carebridge.security.storage.DevKeyEncryptionKeyStore;
import org.carebridge.security.storage.KeyEncryptionKeys;
import org.carebridge.security.storage.PayloadCipher;
import org.carebridge.security.storage.PayloadUnreadable;
import org.carebridge.security.storage.WrappedDataKey;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import javax.crypto.SecretKey;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Payloads at rest are sealed under per-record data keys; retention destroys the key and leaves unreadable ciphertext. */
class PayloadsAtRestTest extends GatewayTest {

    private static final String NHS_NUMBER = "9434765919";

    @Autowired
    PayloadVault vault;

    @Autowired
    RetentionEraser eraser;

    @Autowired
    DeliveryStore deliveryStore;

    @Autowired
    KeyEncryptionKeys keks;

    @Autowired
    FieldProfiles profiles;

    @Autowired
    CopyMinimiser minimiser;

    @Autowired
    LegacyPayloadSealer sealer;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void nothingReadableLandsInTheDatabaseTheJournalOrTheFiles() throws Exception {
        String marker = "Atrest" + HexFormat.of().formatHex(randomBytes(8));
        String messageId = Examples.newMessageId();
        byte[] body = Examples.bytes(Examples.placementNotification(messageId).replace("\"family\": \"Example\"", "\"family\": \"" + marker + "\""));
        assertThat(new String(body, StandardCharsets.UTF_8)).contains(marker);

        HttpResponse<String> response = as("cs-suffolk").processMessage(body);
        assertThat(response.statusCode()).isEqualTo(202);
        UUID trackingId = trackingId(response);
        for (String recipient : new String[]{"cs-norfolk", "health-norfolk", "vs-suffolk"}) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile(recipient, messageId)));
        }

        // Each recipient still gets exactly its minimised copy.
        JsonNode status = json(as("cs-suffolk").get("/records/" + trackingId).body());
        for (String recipient : new String[]{"cs-norfolk", "vs-suffolk"}) {
            String profile = decision(status, recipient).path("profile").asText();
            byte[] expected = minimiser.minimise(body, profiles.get(profile).orElseThrow());
            assertThat(Files.readAllBytes(inboxFile(recipient, messageId))).as(recipient).isEqualTo(expected);
        }
        assertThat(Files.readString(inboxFile("cs-norfolk", messageId))).contains(marker).contains(NHS_NUMBER);

        // The stored original and copies are ciphertext; opened with the record's key they are what was received and sent.
        byte[] storedOriginal = jdbc.queryForObject("select payload from intake_record where tracking_id = ?", byte[].class, trackingId);
        assertThat(storedOriginal[0]).isEqualTo((byte) 1);
        assertThat(contains(storedOriginal, marker)).isFalse();
        assertThat(vault.original(trackingId)).hasValueSatisfying(original -> assertThat(original).isEqualTo(body));
        List<byte[]> copies = jdbc.queryForList("select payload from delivery where tracking_id = ?", byte[].class, trackingId);
        assertThat(copies).hasSize(3).allSatisfy(copy -> assertThat(contains(copy, marker)).isFalse());
        assertThat(jdbc.queryForObject("select kek_id from data_key where tracking_id = ?", String.class, trackingId))
                .isEqualTo(keks.currentId());

        // No stored payload of any record in the database holds the child's NHS number in the clear.
        assertThat(jdbc.queryForObject("""
                select count(*) from intake_record where position(convert_to(?, 'UTF8') in payload) > 0""", Long.class, NHS_NUMBER)).isZero();
        assertThat(jdbc.queryForObject("""
                select count(*) from delivery where position(convert_to(?, 'UTF8') in payload) > 0""", Long.class, NHS_NUMBER)).isZero();

        // Nor on disk: PostgreSQL's tables and WAL, the broker journal, the PKI folder. (The demo partners' inboxes are
        // the receiving agencies' systems, not the gateway's.)
        jdbc.execute("checkpoint");
        List<Path> scanned = new ArrayList<>();
        List<Path> holding = new ArrayList<>();
        List<Path> holdingMessageId = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DATA_DIR)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !DATA_DIR.relativize(f).startsWith("demo-partners")).toList()) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (NoSuchFileException | AccessDeniedException e) {
                    continue;
                }
                scanned.add(file);
                if (contains(bytes, marker)) {
                    holding.add(file);
                }
                if (contains(bytes, messageId)) {
                    holdingMessageId.add(file);
                }
            }
        }
        assertThat(scanned).anyMatch(f -> DATA_DIR.relativize(f).startsWith("postgres"))
                .anyMatch(f -> DATA_DIR.relativize(f).startsWith("artemis"));
        assertThat(holding).isEmpty();
        // The scan does see row data: the message id, stored in the clear in the same row, is found.
        assertThat(holdingMessageId).anyMatch(f -> DATA_DIR.relativize(f).startsWith("postgres"));

        List<Path> journal = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DATA_DIR.resolve("artemis"))) {
            files.filter(Files::isRegularFile).forEach(journal::add);
        }
        assertThat(journal).isNotEmpty();
        for (Path file : journal) {
            assertThat(contains(Files.readAllBytes(file), NHS_NUMBER)).as(file.toString()).isFalse();
        }
    }

    @Test
    void whenRetentionEndsTheKeyIsDestroyedTheCiphertextStaysUnreadableAndUndeliveredCopiesAreNeverSent() throws Exception {
        String messageId = Examples.newMessageId();
        byte[] body = Examples.bytes(Examples.placementNotification(messageId));
        inbox("vs-suffolk").setOnline(false);
        UUID trackingId;
        try {
            HttpResponse<String> response = as("cs-suffolk").processMessage(body);
            assertThat(response.statusCode()).isEqualTo(202);
            trackingId = trackingId(response);
            String location = "/records/" + trackingId;
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("cs-norfolk", messageId)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    recipient(json(as("cs-suffolk").get(location).body()), "vs-suffolk").path("state").asText()).isEqualTo("FAILED"));

            // Kept for the placement agreement's P7Y from receipt (the longest retention of the agreements it went under).
            JsonNode before = json(as("cs-suffolk").get(location).body());
            assertThat(before.path("payload").asText()).isEqualTo("SEALED");
            Instant received = Instant.parse(before.path("receivedAt").asText());
            assertThat(Instant.parse(before.path("retainUntil").asText())).isEqualTo(received.atZone(ZoneOffset.UTC).plusYears(7).toInstant());
            byte[] ciphertext = jdbc.queryForObject("select payload from intake_record where tracking_id = ?", byte[].class, trackingId);
            WrappedDataKey wrapped = vault.wrappedKey(trackingId).orElseThrow();
            long auditBefore = auditEntries(trackingId);

            // Seven years pass for this record only (the shared database holds other tests' records).
            jdbc.update("update intake_record set retain_until = ? where tracking_id = ?",
                    Timestamp.from(Instant.now().minusSeconds(1)), trackingId);
            assertThat(eraser.eraseDue(Instant.now())).isGreaterThanOrEqualTo(1);

            JsonNode after = json(as("cs-suffolk").get(location).body());
            assertThat(after.path("payload").asText()).isEqualTo("ERASED");
            assertThat(after.path("erasedAt").isNull()).isFalse();
            assertThat(recipient(after, "vs-suffolk").path("state").asText()).isEqualTo("ERASED");
            assertThat(recipient(after, "cs-norfolk").path("state").asText()).isEqualTo("DELIVERED");
            assertThat(after.path("decisions")).hasSize(before.path("decisions").size());

            // The ciphertext is still there, byte for byte; the key is gone, so it cannot be opened.
            assertThat(jdbc.queryForObject("select payload from intake_record where tracking_id = ?", byte[].class, trackingId))
                    .isEqualTo(ciphertext);
            assertThat(jdbc.queryForObject("select count(*) from data_key where tracking_id = ?", Long.class, trackingId)).isZero();
            assertThat(vault.wrappedKey(trackingId)).isEmpty();
            assertThat(vault.original(trackingId)).isEmpty();
            SecretKey guess = PayloadCipher.newDataKey();
            assertThatThrownBy(() -> PayloadCipher.open(guess, ciphertext, PayloadVault.recordPlace(trackingId)))
                    .isInstanceOf(PayloadUnreadable.class).hasMessageContaining("failed authentication");
            // The copies stay too, and no path through the gateway opens them any more.
            List<Map<String, Object>> storedCopies = jdbc.queryForList("select delivery_id, payload from delivery where tracking_id = ?", trackingId);
            assertThat(storedCopies).hasSize(3);
            for (Map<String, Object> copy : storedCopies) {
                assertThatThrownBy(() -> PayloadCipher.open(guess, (byte[]) copy.get("payload"),
                        PayloadVault.deliveryPlace((UUID) copy.get("delivery_id")))).isInstanceOf(PayloadUnreadable.class);
            }
            assertThat(wrapped.kekId()).isEqualTo(keks.currentId());

            // The audit entries that describe the record remain, and one more says it was erased.
            assertThat(auditEntries(trackingId)).isGreaterThanOrEqualTo(auditBefore + 1);
            assertThat(jdbc.queryForObject("""
                    select (select count(*) from audit_entry where tracking_id = ? and kind in ('RECEIVED', 'DECIDED', 'DENIED'))
                         + (select count(*) from audit_outbox where tracking_id = ? and kind in ('RECEIVED', 'DECIDED', 'DENIED'))""",
                    Long.class, trackingId.toString(), trackingId.toString())).isEqualTo(1L + before.path("decisions").size());
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                    "select count(*) from audit_entry where tracking_id = ? and kind = 'ERASED'", Long.class, trackingId.toString()) == 1);
            assertThat(jdbc.queryForObject("""
                    select (select subject_keys from audit_entry where tracking_id = ? and kind = 'ERASED')
                         = (select subject_keys from audit_entry where tracking_id = ? and kind = 'RECEIVED')""",
                    Boolean.class, trackingId.toString(), trackingId.toString())).isTrue();
            assertThat(jdbc.queryForObject("select reason from audit_entry where tracking_id = ? and kind = 'ERASED'",
                    String.class, trackingId.toString())).doesNotContain(NHS_NUMBER).contains("1 undelivered");
        } finally {
            inbox("vs-suffolk").setOnline(true);
        }

        // The copy that was waiting is never sent, neither by the retry in progress nor from the queue.
        UUID vsDelivery = jdbc.queryForObject("select delivery_id from delivery where tracking_id = ? and recipient = 'vs-suffolk'",
                UUID.class, trackingId);
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() -> !Files.exists(inboxFile("vs-suffolk", messageId)));
        assertThat(deliveryStore.loadForDelivery(vsDelivery.toString())).isNull();
        assertThat(recipient(json(as("cs-suffolk").get("/records/" + trackingId).body()), "vs-suffolk").path("state").asText())
                .isEqualTo("ERASED");
        assertThat(jdbc.queryForObject("select count(*) from audit_entry where tracking_id = ? and kind = 'ERASED'",
                Long.class, trackingId.toString())).isEqualTo(1);
    }

    @Test
    void aRecordWrappedUnderTheOldKekStillOpensAfterANewKekIsAdded() throws Exception {
        String messageId = Examples.newMessageId();
        byte[] body = Examples.bytes(Examples.placementNotification(messageId));
        UUID trackingId = trackingId(as("cs-suffolk").processMessage(body));
        WrappedDataKey underOld = vault.wrappedKey(trackingId).orElseThrow();
        assertThat(underOld.kekId()).isEqualTo(keks.currentId());

        // The store after rotation: the running gateway's KEK plus a new current one.
        Map<String, Key> rotatedKeys = new HashMap<>();
        SecretKey newKek = PayloadCipher.newDataKey();
        rotatedKeys.put("kek-next", newKek);
        rotatedKeys.put(keks.currentId(), devKek());
        KeyEncryptionKeys rotated = new KeyEncryptionKeys(rotatedKeys, "kek-next");
        PayloadVault afterRotation = new PayloadVault(jdbc, rotated);

        assertThat(afterRotation.original(trackingId)).hasValueSatisfying(original -> assertThat(original).isEqualTo(body));
        WrappedDataKey rewrapped = rotated.rewrap(underOld, trackingId.toString());
        assertThat(rewrapped.kekId()).isEqualTo("kek-next");
        byte[] sealed = jdbc.queryForObject("select payload from intake_record where tracking_id = ?", byte[].class, trackingId);
        assertThat(afterRotation.open(trackingId, rewrapped, sealed, PayloadVault.recordPlace(trackingId))).isEqualTo(body);
        // The running gateway, without the new KEK, cannot open a key wrapped under it.
        assertThatThrownBy(() -> vault.open(trackingId, rewrapped, sealed, PayloadVault.recordPlace(trackingId)))
                .isInstanceOf(PayloadUnreadable.class).hasMessageContaining("kek-next");
    }

    @Test
    void tamperedOrSwappedCiphertextFailsAuthentication() throws Exception {
        String messageId = Examples.newMessageId();
        UUID trackingId = trackingId(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))));
        WrappedDataKey wrapped = vault.wrappedKey(trackingId).orElseThrow();
        byte[] original = jdbc.queryForObject("select payload from intake_record where tracking_id = ?", byte[].class, trackingId);
        Map<String, Object> copy = jdbc.queryForMap("select delivery_id, payload from delivery where tracking_id = ? limit 1", trackingId);
        UUID deliveryId = (UUID) copy.get("delivery_id");
        byte[] copyBytes = (byte[]) copy.get("payload");

        byte[] tampered = original.clone();
        tampered[tampered.length / 2] ^= 0x20;
        assertThatThrownBy(() -> vault.open(trackingId, wrapped, tampered, PayloadVault.recordPlace(trackingId)))
                .isInstanceOf(PayloadUnreadable.class).hasMessageNotContaining(NHS_NUMBER);
        assertThatThrownBy(() -> vault.open(trackingId, wrapped, copyBytes, PayloadVault.recordPlace(trackingId)))
                .as("a copy put in the original's place").isInstanceOf(PayloadUnreadable.class);
        assertThat(vault.open(trackingId, wrapped, copyBytes, PayloadVault.deliveryPlace(deliveryId))).isNotEmpty();

        UUID otherRecord = trackingId(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId()))));
        assertThatThrownBy(() -> vault.open(otherRecord, vault.wrappedKey(otherRecord).orElseThrow(), original,
                PayloadVault.recordPlace(otherRecord))).as("another record's ciphertext").isInstanceOf(PayloadUnreadable.class);
        assertThatThrownBy(() -> vault.open(otherRecord, wrapped, original, PayloadVault.recordPlace(trackingId)))
                .as("a wrapped key moved to another record").isInstanceOf(PayloadUnreadable.class);
    }

    @Test
    void recordsStoredBeforeSealingAreSealedWithTheirRetention() throws Exception {
        UUID trackingId = UUID.randomUUID();
        UUID deliveryId = UUID.randomUUID();
        String messageId = Examples.newMessageId();
        byte[] original = Examples.bytes(Examples.placementNotification(messageId));
        byte[] copy = Examples.bytes("{\"resourceType\":\"Bundle\",\"id\":\"" + messageId + "\",\"nhs\":\"" + NHS_NUMBER + "\"}");
        Instant received = Instant.parse("2026-01-05T10:00:00Z");
        jdbc.update("""
                insert into intake_record (tracking_id, sender, message_id, event, received_at, payload)
                values (?, 'cs-suffolk', ?, 'placement-notification', ?, ?)""", trackingId, messageId, Timestamp.from(received), original);
        jdbc.update("""
                insert into delivery (delivery_id, tracking_id, recipient, agreement_id, agreement_version, rule_id, state, dispatched,
                                      created_at, updated_at, payload)
                values (?, ?, 'cs-norfolk', 'placement-notification', 1, 'legacy', 'DELIVERED', true, ?, ?, ?)""",
                deliveryId, trackingId, Timestamp.from(received), Timestamp.from(received), copy);

        sealer.sealLegacy();

        byte[] storedOriginal = jdbc.queryForObject("select payload from intake_record where tracking_id = ?", byte[].class, trackingId);
        byte[] storedCopy = jdbc.queryForObject("select payload from delivery where delivery_id = ?", byte[].class, deliveryId);
        assertThat(contains(storedOriginal, NHS_NUMBER)).isFalse();
        assertThat(contains(storedCopy, NHS_NUMBER)).isFalse();
        WrappedDataKey wrapped = vault.wrappedKey(trackingId).orElseThrow();
        assertThat(vault.open(trackingId, wrapped, storedOriginal, PayloadVault.recordPlace(trackingId))).isEqualTo(original);
        assertThat(vault.open(trackingId, wrapped, storedCopy, PayloadVault.deliveryPlace(deliveryId))).isEqualTo(copy);
        assertThat(jdbc.queryForObject("select retain_until from intake_record where tracking_id = ?", Timestamp.class, trackingId)
                .toInstant()).isEqualTo(Instant.parse("2033-01-05T10:00:00Z"));
    }

    @Test
    void dataKeysUnderARetiringKekAreRewrappedUnderTheCurrentOne() throws Exception {
        // A record sealed before the rotation, its data key wrapped under the KEK now being retired.
        SecretKey retiringKek = PayloadCipher.newDataKey();
        KeyEncryptionKeys beforeRotation = new KeyEncryptionKeys(Map.of("kek-retiring", retiringKek), "kek-retiring");
        UUID trackingId = UUID.randomUUID();
        byte[] original = Examples.bytes(Examples.placementNotification(Examples.newMessageId()));
        PayloadVault.RecordKey key = new PayloadVault(jdbc, beforeRotation).newKey(trackingId);
        jdbc.update("""
                insert into intake_record (tracking_id, sender, message_id, event, received_at, payload, retain_until)
                values (?, 'cs-suffolk', ?, 'placement-notification', now(), ?, now() + interval '7 years')""",
                trackingId, Examples.newMessageId(), key.seal(original, PayloadVault.recordPlace(trackingId)));
        new PayloadVault(jdbc, beforeRotation).store(key, Instant.now());
        assertThatThrownBy(() -> vault.original(trackingId)).as("the running gateway does not hold the retiring KEK")
                .isInstanceOf(PayloadUnreadable.class);

        // During the rotation the store holds both, the gateway's KEK current: the older key is re-wrapped.
        Map<String, Key> both = new HashMap<>();
        both.put(keks.currentId(), devKek());
        both.put("kek-retiring", retiringKek);
        PayloadVault rotating = new PayloadVault(jdbc, new KeyEncryptionKeys(both, keks.currentId()));
        assertThat(rotating.underOlderKeks()).isEqualTo(1);
        Integer rewrapped = transaction.execute(status -> rotating.rewrapOlder(100));
        assertThat(rewrapped).isEqualTo(1);
        assertThat(rotating.underOlderKeks()).isZero();

        // The retiring KEK can now go: the gateway opens the record with its own KEK alone.
        assertThat(vault.wrappedKey(trackingId).orElseThrow().kekId()).isEqualTo(keks.currentId());
        assertThat(vault.original(trackingId)).hasValueSatisfying(opened -> assertThat(opened).isEqualTo(original));
    }

    private SecretKey devKek() throws Exception {
        var store = KeyStore.getInstance("PKCS12");
        Path pki = DATA_DIR.resolve("pki");
        char[] password = DevKeyEncryptionKeyStore.readPassword(pki.resolve("kek-store-password.dev-only.txt"));
        try (var in = Files.newInputStream(pki.resolve("kek-store.dev-only.p12"))) {
            store.load(in, password);
        }
        return (SecretKey) store.getKey(keks.currentId(), password);
    }

    private long auditEntries(UUID trackingId) {
        return jdbc.queryForObject("""
                select (select count(*) from audit_entry where tracking_id = ?) + (select count(*) from audit_outbox where tracking_id = ?)""",
                Long.class, trackingId.toString(), trackingId.toString());
    }

    private static UUID trackingId(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow();
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }

    private static JsonNode decision(JsonNode status, String recipient) {
        for (JsonNode d : status.path("decisions")) {
            if (recipient.equals(d.path("recipient").asText())) {
                return d;
            }
        }
        throw new AssertionError("no decision for " + recipient);
    }

    /** In UTF-8 or UTF-16 (the broker journal stores strings two bytes a character). */
    private static boolean contains(byte[] haystack, String needle) {
        return contains(haystack, needle.getBytes(StandardCharsets.UTF_8)) || contains(haystack, needle.getBytes(StandardCharsets.UTF_16LE))
                || contains(haystack, needle.getBytes(StandardCharsets.UTF_16BE));
    }

    private static boolean contains(byte[] haystack, byte[] n) {
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
