package org.carebridge.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.carebridge.ledger.TestLedger.Signer;
import org.junit.jupiter.api.Test;

class CheckpointTest {

    private final List<LedgerEntry> ledger = TestLedger.ledger(8);
    private final Signer signer = TestLedger.ecSigner();

    @Test
    void signsTheCanonicalSummaryOfTheTree() throws Exception {
        Checkpoint checkpoint = TestLedger.checkpoint(ledger, 8, signer);

        assertThat(checkpoint.treeSize()).isEqualTo(8);
        assertThat(checkpoint.rootHash())
                .isEqualTo(MerkleTree.rootHex(ledger.stream().map(LedgerEntry::leafHash).toList()));
        assertThat(checkpoint.lastHash()).isEqualTo(ledger.get(7).hash());
        assertThat(checkpoint.keyId()).isEqualTo(LedgerHashes.hex(LedgerHashes.sha256(
                signer.certificate().getEncoded())));
        assertThat(checkpoint.algorithm()).isEqualTo("SHA256withECDSA");
        assertThat(new String(checkpoint.signedBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"treeSize\":8,\"rootHash\":\"" + checkpoint.rootHash() + "\",\"lastHash\":\""
                        + checkpoint.lastHash() + "\",\"time\":\"" + checkpoint.time() + "\",\"keyId\":\""
                        + checkpoint.keyId() + "\"}");
        assertThat(checkpoint.verify(signer.certificate())).isTrue();
    }

    @Test
    void fileIsTheSignedJsonWithAlgorithmAndSignatureAppended() {
        Checkpoint checkpoint = TestLedger.checkpoint(ledger, 8, signer);
        String signed = new String(checkpoint.signedBytes(), StandardCharsets.UTF_8);

        assertThat(checkpoint.fileName()).isEqualTo("checkpoint-8.json");
        assertThat(checkpoint.toJson()).isEqualTo(signed.substring(0, signed.length() - 1)
                + ",\"algorithm\":\"SHA256withECDSA\",\"signature\":\"" + checkpoint.signature() + "\"}");
        assertThat(Checkpoint.fromJson(checkpoint.toJson() + "\n")).isEqualTo(checkpoint);
    }

    @Test
    void anyChangeBreaksTheSignature() {
        Checkpoint c = TestLedger.checkpoint(ledger, 8, signer);
        String otherHash = ledger.get(6).hash();
        byte[] signature = Base64.getDecoder().decode(c.signature());
        signature[signature.length - 1] ^= 1;

        assertThat(List.of(
                new Checkpoint(7, c.rootHash(), c.lastHash(), c.time(), c.keyId(), c.algorithm(), c.signature()),
                new Checkpoint(8, otherHash, c.lastHash(), c.time(), c.keyId(), c.algorithm(), c.signature()),
                new Checkpoint(8, c.rootHash(), otherHash, c.time(), c.keyId(), c.algorithm(), c.signature()),
                new Checkpoint(8, c.rootHash(), c.lastHash(), "2030-01-01T00:00:00Z", c.keyId(), c.algorithm(),
                        c.signature()),
                new Checkpoint(8, c.rootHash(), c.lastHash(), c.time(), c.keyId(), "SHA256withRSA", c.signature()),
                new Checkpoint(8, c.rootHash(), c.lastHash(), c.time(), c.keyId(), c.algorithm(),
                        Base64.getEncoder().encodeToString(signature)),
                new Checkpoint(8, c.rootHash(), c.lastHash(), c.time(), c.keyId(), c.algorithm(), "not base64!")))
                .noneMatch(changed -> changed.verify(signer.certificate()));
    }

    @Test
    void anotherCertificateDoesNotVerifyIt() {
        Checkpoint checkpoint = TestLedger.checkpoint(ledger, 8, signer);

        assertThat(checkpoint.verify(TestLedger.otherEcSigner().certificate())).isFalse();
    }

    @Test
    void rsaKeysSignWithSha256WithRsa() {
        Signer rsa = TestLedger.rsaSigner();
        Checkpoint checkpoint = TestLedger.checkpoint(ledger, 5, rsa);

        assertThat(checkpoint.algorithm()).isEqualTo("SHA256withRSA");
        assertThat(checkpoint.verify(rsa.certificate())).isTrue();
        assertThat(checkpoint.verify(signer.certificate())).isFalse();
    }
}
