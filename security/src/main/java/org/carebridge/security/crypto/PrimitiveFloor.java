package org.carebridge.security.crypto;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The primitive operations a seal performs for one copy, with no CMS structure around them and nothing rebuilt per
 * copy that need not be: keys in Bouncy Castle's form, the recipient's curve parameters, the JDK's AES-GCM. What the
 * hardware allows, against which the sealing benchmark and the load harness report the gateway's cost. Not used by
 * the gateway itself.
 */
public final class PrimitiveFloor {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey signingKey;
    private final String algorithm;

    public PrimitiveFloor(KeyMaterial signer) {
        try {
            signingKey = KeyFactory.getInstance(signer.privateKey().getAlgorithm(), BC)
                    .generatePrivate(new PKCS8EncodedKeySpec(signer.privateKey().getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        algorithm = switch (signer.privateKey().getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
    }

    /** The recipient's public key in Bouncy Castle's form, prepared once. */
    public PublicKey recipientKey(PublicKey key) {
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), BC).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signature per copy: sign, then encrypt and protect the key for one recipient. */
    public void seal(byte[] content, PublicKey recipient) {
        envelope(content, sign(content), recipient);
    }

    public byte[] sign(byte[] content) {
        try {
            Signature signature = Signature.getInstance(algorithm, BC);
            signature.initSign(signingKey);
            signature.update(MessageDigest.getInstance("SHA-256").digest(content));
            return signature.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** AES-256-GCM over the content and its signature, and the content key wrapped for the recipient. */
    public void envelope(byte[] content, byte[] signed, PublicKey recipient) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            SecretKey cek = generator.generateKey();
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, cek, new GCMParameterSpec(128, nonce));
            gcm.update(content);
            gcm.doFinal(signed);

            if (recipient instanceof org.bouncycastle.jce.interfaces.ECPublicKey ec) {
                KeyPairGenerator ephemeral = KeyPairGenerator.getInstance("EC", BC);
                ephemeral.initialize(ec.getParameters());
                KeyPair pair = ephemeral.generateKeyPair();
                KeyAgreement agreement = KeyAgreement.getInstance("ECDH", BC);
                agreement.init(pair.getPrivate());
                agreement.doPhase(recipient, true);
                byte[] kek = MessageDigest.getInstance("SHA-256").digest(agreement.generateSecret());
                Cipher wrap = Cipher.getInstance("AESWrap", BC);
                wrap.init(Cipher.WRAP_MODE, new SecretKeySpec(Arrays.copyOf(kek, 32), "AES"));
                wrap.wrap(cek);
            } else {
                Cipher oaep = Cipher.getInstance("RSA/NONE/OAEPPadding", BC);
                oaep.init(Cipher.WRAP_MODE, recipient, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
                oaep.wrap(cek);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
