package org.carebridge.security.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.SecretKey;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtRestCryptoTest {

    private static final byte[] PAYLOAD = "{\"identifier\":{\"value\":\"9434765919\"}}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aSealedPayloadOpensOnlyWithItsKeyAndAtItsPlace() {
        SecretKey key = PayloadCipher.newDataKey();
        assertThat(key.getEncoded()).hasSize(32);
        byte[] sealed = PayloadCipher.seal(key, PAYLOAD, "intake_record/a");

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("9434765919");
        assertThat(sealed).hasSize(1 + 12 + PAYLOAD.length + 16);
        assertThat(PayloadCipher.open(key, sealed, "intake_record/a")).isEqualTo(PAYLOAD);
        assertThat(PayloadCipher.seal(key, PAYLOAD, "intake_record/a")).as("fresh nonce each time").isNotEqualTo(sealed);

        assertThatThrownBy(() -> PayloadCipher.open(PayloadCipher.newDataKey(), sealed, "intake_record/a"))
                .isInstanceOf(PayloadUnreadable.class).hasMessageContaining("failed authentication");
        assertThatThrownBy(() -> PayloadCipher.open(key, sealed, "intake_record/b"))
                .as("moved to another record").isInstanceOf(PayloadUnreadable.class);
        for (int i : new int[]{1, 13, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> PayloadCipher.open(key, tampered, "intake_record/a")).isInstanceOf(PayloadUnreadable.class);
        }
        assertThatThrownBy(() -> PayloadCipher.open(key, PAYLOAD, "intake_record/a"))
                .as("plaintext is not a sealed payload").isInstanceOf(PayloadUnreadable.class)
                .message().doesNotContain("9434765919");
    }

    /** Each thread reuses one cipher: a refused payload leaves it fit for the next, and every payload has its own nonce. */
    @Test
    void onePerThreadCipherSealsAndOpensInAnyOrder() throws Exception {
        SecretKey one = PayloadCipher.newDataKey();
        SecretKey other = PayloadCipher.newDataKey();
        byte[] first = PayloadCipher.seal(one, "first".getBytes(StandardCharsets.UTF_8), "intake_record/1");
        byte[] again = PayloadCipher.seal(one, "first".getBytes(StandardCharsets.UTF_8), "intake_record/1");
        assertThat(java.util.Arrays.copyOfRange(again, 1, 13)).isNotEqualTo(java.util.Arrays.copyOfRange(first, 1, 13));
        assertThatThrownBy(() -> PayloadCipher.open(other, first, "intake_record/1")).isInstanceOf(PayloadUnreadable.class);
        byte[] second = PayloadCipher.seal(other, "second".getBytes(StandardCharsets.UTF_8), "delivery/2");
        assertThat(new String(PayloadCipher.open(one, again, "intake_record/1"), StandardCharsets.UTF_8)).isEqualTo("first");
        assertThat(new String(PayloadCipher.open(other, second, "delivery/2"), StandardCharsets.UTF_8)).isEqualTo("second");
        byte[][] fromAnotherThread = new byte[1][];
        Thread thread = new Thread(() -> fromAnotherThread[0] = PayloadCipher.open(one, first, "intake_record/1"));
        thread.start();
        thread.join();
        assertThat(new String(fromAnotherThread[0], StandardCharsets.UTF_8)).isEqualTo("first");
    }

    @Test
    void aDataKeyWrappedUnderAnOlderKekStillOpensAfterRotation() throws Exception {
        SecretKey oldKek = PayloadCipher.newDataKey();
        SecretKey newKek = PayloadCipher.newDataKey();
        KeyEncryptionKeys before = new KeyEncryptionKeys(Map.of("kek-2025", oldKek), "kek-2025");
        SecretKey dataKey = PayloadCipher.newDataKey();
        String tracking = UUID.randomUUID().toString();
        WrappedDataKey wrapped = before.wrap(dataKey, tracking);
        assertThat(wrapped.kekId()).isEqualTo("kek-2025");

        KeyEncryptionKeys after = new KeyEncryptionKeys(Map.of("kek-2025", oldKek, "kek-2026", newKek), "kek-2026");
        assertThat(after.unwrap(wrapped, tracking).getEncoded()).isEqualTo(dataKey.getEncoded());
        WrappedDataKey rewrapped = after.rewrap(wrapped, tracking);
        assertThat(rewrapped.kekId()).isEqualTo("kek-2026");
        assertThat(after.wrap(PayloadCipher.newDataKey(), tracking).kekId()).isEqualTo("kek-2026");

        KeyEncryptionKeys retired = new KeyEncryptionKeys(Map.of("kek-2026", newKek), "kek-2026");
        assertThat(retired.unwrap(rewrapped, tracking).getEncoded()).isEqualTo(dataKey.getEncoded());
        assertThatThrownBy(() -> retired.unwrap(wrapped, tracking)).isInstanceOf(PayloadUnreadable.class)
                .hasMessageContaining("kek-2025");
    }

    @Test
    void aWrappedKeyIsBoundToItsRecordAndKek() {
        SecretKey kek = PayloadCipher.newDataKey();
        KeyEncryptionKeys keks = new KeyEncryptionKeys(Map.of("a", kek, "b", kek), "a");
        WrappedDataKey wrapped = keks.wrap(PayloadCipher.newDataKey(), "record-1");

        assertThatThrownBy(() -> keks.unwrap(wrapped, "record-2")).isInstanceOf(PayloadUnreadable.class);
        assertThatThrownBy(() -> keks.unwrap(new WrappedDataKey("b", wrapped.wrapped()), "record-1"))
                .as("relabelled KEK").isInstanceOf(PayloadUnreadable.class);
        byte[] tampered = wrapped.wrapped().clone();
        tampered[20] ^= 0x01;
        assertThatThrownBy(() -> keks.unwrap(new WrappedDataKey("a", tampered), "record-1")).isInstanceOf(PayloadUnreadable.class);
    }

    @Test
    void theDevStoreIsGeneratedOnceAndLoadsAsPkcs12() throws Exception {
        DevKeyEncryptionKeyStore dev = new DevKeyEncryptionKeyStore(dir);
        dev.ensure();
        byte[] first = Files.readAllBytes(dev.store());
        dev.ensure();
        assertThat(Files.readAllBytes(dev.store())).as("not regenerated").isEqualTo(first);
        assertThat(Files.readString(dev.passwordFile())).startsWith("# DEV-ONLY");

        char[] password = DevKeyEncryptionKeyStore.readPassword(dev.passwordFile());
        KeyEncryptionKeys keks = KeyEncryptionKeys.fromPkcs12(dev.store(), password, "");
        assertThat(keks.currentId()).isEqualTo(DevKeyEncryptionKeyStore.ALIAS);
        assertThatThrownBy(() -> KeyEncryptionKeys.fromPkcs12(dev.store(), "wrong".toCharArray(), ""))
                .isInstanceOf(IllegalStateException.class);

        // Rotation in the key store: add a second KEK; it must then be named.
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dev.store())) {
            store.load(in, password);
        }
        store.setEntry("kek-2", new KeyStore.SecretKeyEntry(PayloadCipher.newDataKey()), new KeyStore.PasswordProtection(password));
        try (OutputStream out = Files.newOutputStream(dev.store())) {
            store.store(out, password);
        }
        assertThatThrownBy(() -> KeyEncryptionKeys.fromPkcs12(dev.store(), password, " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carebridge.storage.kek-alias");
        assertThat(KeyEncryptionKeys.fromPkcs12(dev.store(), password, "KEK-2").currentId()).isEqualTo("kek-2");
        assertThat(KeyEncryptionKeys.fromPkcs12(dev.store(), password, "kek-2").ids()).containsExactlyInAnyOrder("kek-2", "dev-kek-1");
        assertThatThrownBy(() -> KeyEncryptionKeys.fromPkcs12(dev.store(), password, "kek-3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kek-3");
    }

    @Test
    void aStoreWithoutItsPasswordFileIsNotReplaced() throws Exception {
        DevKeyEncryptionKeyStore dev = new DevKeyEncryptionKeyStore(dir);
        dev.ensure();
        Files.delete(dev.passwordFile());
        assertThatThrownBy(dev::ensure).isInstanceOf(IllegalStateException.class).hasMessageContaining("password file");
    }
}
