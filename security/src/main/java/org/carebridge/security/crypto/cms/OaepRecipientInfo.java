package org.carebridge.security.crypto.cms;

import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.KeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.AsymmetricKeyWrapper;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OperatorException;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * RSA-OAEP key transport to one recipient with its cipher initialised once and pooled: Bouncy Castle's own wrapper
 * looks the cipher up and re-reads the OAEP parameters from their encoding for every copy. An initialised RSA cipher
 * returns to that state after each wrap and draws a fresh OAEP seed for the next one; it is not thread-safe, hence
 * the pool.
 */
final class OaepRecipientInfo extends KeyTransRecipientInfoGenerator {

    private static final SecureRandom RANDOM = new SecureRandom();

    OaepRecipientInfo(X509Certificate recipient, AlgorithmIdentifier oaep, OAEPParameterSpec parameters)
            throws GeneralSecurityException {
        super(new IssuerAndSerialNumber(new JcaX509CertificateHolder(recipient).toASN1Structure()),
                new PooledWrapper(oaep, parameters, recipient.getPublicKey()));
    }

    private static final class PooledWrapper extends AsymmetricKeyWrapper {

        private final OAEPParameterSpec parameters;
        private final PublicKey key;
        private final Queue<Cipher> ciphers = new ConcurrentLinkedQueue<>();

        PooledWrapper(AlgorithmIdentifier oaep, OAEPParameterSpec parameters, PublicKey key) throws GeneralSecurityException {
            super(oaep);
            this.parameters = parameters;
            this.key = key;
            ciphers.offer(newCipher());
        }

        private Cipher newCipher() throws GeneralSecurityException {
            Cipher cipher = Cipher.getInstance("RSA/NONE/OAEPPadding", Cms.PROVIDER);
            cipher.init(Cipher.WRAP_MODE, key, parameters, RANDOM);
            return cipher;
        }

        @Override
        public byte[] generateWrappedKey(GenericKey contentKey) throws OperatorException {
            Object representation = contentKey.getRepresentation();
            Key content = representation instanceof Key k ? k : new SecretKeySpec((byte[]) representation, "AES");
            try {
                Cipher cipher = ciphers.poll();
                if (cipher == null) {
                    cipher = newCipher();
                }
                byte[] wrapped = cipher.wrap(content);
                ciphers.offer(cipher);
                return wrapped;
            } catch (GeneralSecurityException e) {
                throw new OperatorException("cannot wrap the content key: " + e.getMessage(), e);
            }
        }
    }
}
