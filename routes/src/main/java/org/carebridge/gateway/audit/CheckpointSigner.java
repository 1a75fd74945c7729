package org.carebridge.gateway.audit;

import org.carebridge.ledger.Checkpoint;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The key that signs ledger checkpoints: its own key and certificate, not the gateway's TLS identity, so it can be kept
 * (and rotated) apart from the key every connection uses, and verifiers trust exactly it.
 */
public class CheckpointSigner {

    private final KeyMaterial key;

    public CheckpointSigner(KeyMaterial key) {
        this.key = key;
        // a key that does not match its certificate is found at start, not at the first checkpoint
        Checkpoint probe = Checkpoint.sign(1, "0".repeat(64), "0".repeat(64), Instant.EPOCH.toString(), key.privateKey(), key.certificate());
        if (!probe.verify(key.certificate())) {
            throw new IllegalStateException("the checkpoint signing key does not match its certificate");
        }
    }

    public Checkpoint sign(long treeSize, String rootHash, String lastHash, String time) {
        return Checkpoint.sign(treeSize, rootHash, lastHash, time, key.privateKey(), key.certificate());
    }

    public X509Certificate certificate() {
        return key.certificate();
    }

    /** The certificate a verifier passes as {@code --cert}, as PEM. */
    public String certificatePem() {
        try {
            return Pem.encode(null, key.certificate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
