package org.carebridge.gateway.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubjectEncryptionTest {

    private static final byte[] BOUND = "audit_subject_value|abc".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealsWithAFreshNonceAndOpensUnderAnyKeyInTheRing() {
        byte[] oldKey = key();
        byte[] newKey = key();
        SubjectEncryption before = new SubjectEncryption(List.of(oldKey));
        SubjectEncryption.Sealed sealedBefore = before.seal("https://fhir.nhs.uk/Id/nhs-number|9434765919", BOUND);
        SubjectEncryption.Sealed again = before.seal("https://fhir.nhs.uk/Id/nhs-number|9434765919", BOUND);
        assertThat(sealedBefore.nonce()).hasSize(12).isNotEqualTo(again.nonce());
        assertThat(sealedBefore.ciphertext()).isNotEqualTo(again.ciphertext());
        assertThat(new String(sealedBefore.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("9434765919");

        SubjectEncryption rotated = new SubjectEncryption(List.of(newKey, oldKey));
        assertThat(rotated.currentKeyId()).isEqualTo(SubjectEncryption.keyIdOf(newKey)).isNotEqualTo(sealedBefore.keyId());
        assertThat(rotated.open(sealedBefore, BOUND)).isEqualTo("https://fhir.nhs.uk/Id/nhs-number|9434765919");
        assertThat(rotated.seal("x|y", BOUND).keyId()).isEqualTo(rotated.currentKeyId());
        assertThatThrownBy(() -> new SubjectEncryption(List.of(newKey)).open(sealedBefore, BOUND))
                .hasMessageContaining("no subject encryption key with id " + sealedBefore.keyId());
    }

    @Test
    void anAlteredOrMovedValueDoesNotOpen() {
        SubjectEncryption encryption = new SubjectEncryption(List.of(key()));
        SubjectEncryption.Sealed sealed = encryption.seal("https://fhir.nhs.uk/Id/nhs-number|9434765919", BOUND);
        byte[] flipped = sealed.ciphertext().clone();
        flipped[3] ^= 1;
        assertThatThrownBy(() -> encryption.open(new SubjectEncryption.Sealed(sealed.keyId(), sealed.nonce(), flipped), BOUND))
                .hasMessageContaining("does not authenticate").hasMessageNotContaining("9434765919");
        assertThatThrownBy(() -> encryption.open(sealed, "audit_subject_value|other".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("does not authenticate");
        assertThatThrownBy(() -> new SubjectEncryption(List.of(new byte[16]))).hasMessageContaining("256 bits");
    }

    private static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
