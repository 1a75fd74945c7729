package org.carebridge.ledger;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A signed statement that the ledger's first {@code treeSize} entries have Merkle root {@code rootHash} and that entry
 * {@code treeSize} has chain hash {@code lastHash}.
 *
 * @param keyId     hex SHA-256 of the signer certificate's DER encoding
 * @param algorithm {@value #ECDSA} (EC keys) or {@value #RSA} (RSA keys)
 * @param signature base64 of the signature over {@link #signedBytes()}
 */
public record Checkpoint(long treeSize, String rootHash, String lastHash, String time, String keyId,
        String algorithm, String signature) {

    public static final String ECDSA = "SHA256withECDSA";
    public static final String RSA = "SHA256withRSA";

    static final List<String> FIELDS =
            List.of("treeSize", "rootHash", "lastHash", "time", "keyId", "algorithm", "signature");

    /** Signs a checkpoint over all of {@code leafHashes} (entries 1..n); {@code lastHash} is entry n's hash. */
    public static Checkpoint sign(List<byte[]> leafHashes, String lastHash, String time, PrivateKey key,
            X509Certificate signer) {
        return sign(leafHashes.size(), MerkleTree.rootHex(leafHashes), lastHash, time, key, signer);
    }

    /** Signs a checkpoint whose Merkle root the caller has already computed. */
    public static Checkpoint sign(long treeSize, String rootHash, String lastHash, String time, PrivateKey key,
            X509Certificate signer) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> ECDSA;
            case "RSA" -> RSA;
            default -> throw new IllegalArgumentException("checkpoints are signed with EC or RSA keys, not "
                    + key.getAlgorithm());
        };
        Checkpoint unsigned = new Checkpoint(treeSize, rootHash, lastHash, time, keyIdOf(signer), algorithm, null);
        try {
            Signature signing = Signature.getInstance(algorithm);
            signing.initSign(key);
            signing.update(unsigned.signedBytes());
            String signature = Base64.getEncoder().encodeToString(signing.sign());
            return new Checkpoint(treeSize, rootHash, lastHash, time, unsigned.keyId, algorithm, signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the checkpoint", e);
        }
    }

    /** True if this checkpoint names the certificate's key and its signature verifies with that key. */
    public boolean verify(X509Certificate signer) {
        PublicKey key = signer.getPublicKey();
        boolean algorithmFitsKey = (ECDSA.equals(algorithm) && "EC".equals(key.getAlgorithm()))
                || (RSA.equals(algorithm) && "RSA".equals(key.getAlgorithm()));
        if (!algorithmFitsKey || signature == null || !keyIdOf(signer).equals(keyId)) {
            return false;
        }
        try {
            Signature verifying = Signature.getInstance(algorithm);
            verifying.initVerify(key);
            verifying.update(signedBytes());
            return verifying.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The canonical JSON {"treeSize":..,"rootHash":..,"lastHash":..,"time":..,"keyId":..} as UTF-8. */
    public byte[] signedBytes() {
        return signedJson().toBytes();
    }

    /** The checkpoint file's content: the signed JSON with algorithm and signature appended. */
    public String toJson() {
        return signedJson().text("algorithm", algorithm).text("signature", signature).toString();
    }

    /** {@code checkpoint-<treeSize>.json} */
    public String fileName() {
        return "checkpoint-" + treeSize + ".json";
    }

    /** Reads a checkpoint file's content; throws IllegalArgumentException if it is not a well-formed checkpoint. */
    public static Checkpoint fromJson(String json) {
        JsonReader.Fields fields = JsonReader.readObject(json, FIELDS);
        return new Checkpoint(fields.integer("treeSize"), fields.text("rootHash"), fields.text("lastHash"),
                fields.text("time"), fields.text("keyId"), fields.text("algorithm"), fields.text("signature"));
    }

    /** Hex SHA-256 of the certificate's DER encoding. */
    public static String keyIdOf(X509Certificate certificate) {
        try {
            return LedgerHashes.hex(LedgerHashes.sha256(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the certificate", e);
        }
    }

    private CanonicalJson signedJson() {
        return new CanonicalJson()
                .integer("treeSize", treeSize)
                .text("rootHash", rootHash)
                .text("lastHash", lastHash)
                .text("time", time)
                .text("keyId", keyId);
    }
}
