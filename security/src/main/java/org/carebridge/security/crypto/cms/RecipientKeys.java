package org.carebridge.security.crypto.cms;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What sealing to one recipient certificate needs, prepared once per certificate rather than per copy: for RSA the
 * key-transport recipient info (thread-safe: it makes a fresh cipher per wrap); for EC the certificate with its key in
 * Bouncy Castle's form and the curve parameters, so each copy's fresh ephemeral key and agreement reuse the curve's
 * precomputed tables instead of converting the JDK key and rebuilding them.
 */
final class RecipientKeys {

    // a handful of partners' certificates; bounded so replaced certificates cannot accumulate
    private static final int MAX_CACHED = 256;
    private static final Map<X509Certificate, RecipientKeys> CACHE = new ConcurrentHashMap<>();

    private final RecipientInfoGenerator keyTransport;
    private final X509Certificate agreementCertificate;
    private final ECParameterSpec curve;

    private RecipientKeys(RecipientInfoGenerator keyTransport, X509Certificate agreementCertificate, ECParameterSpec curve) {
        this.keyTransport = keyTransport;
        this.agreementCertificate = agreementCertificate;
        this.curve = curve;
    }

    static RecipientKeys of(X509Certificate recipient) throws GeneralSecurityException {
        RecipientKeys keys = CACHE.get(recipient);
        if (keys == null) {
            keys = prepare(recipient);
            if (CACHE.size() >= MAX_CACHED) {
                CACHE.clear();
            }
            CACHE.put(recipient, keys);
        }
        return keys;
    }

    private static RecipientKeys prepare(X509Certificate recipient) throws GeneralSecurityException {
        if (recipient.getPublicKey() instanceof RSAPublicKey) {
            var parameters = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
            var oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, parameters);
            return new RecipientKeys(new OaepRecipientInfo(recipient, oaep, parameters), null, null);
        }
        if (recipient.getPublicKey() instanceof ECPublicKey) {
            X509Certificate converted = new JcaX509CertificateConverter().setProvider(Cms.PROVIDER)
                    .getCertificate(new JcaX509CertificateHolder(recipient));
            var key = (org.bouncycastle.jce.interfaces.ECPublicKey) converted.getPublicKey();
            return new RecipientKeys(null, converted, key.getParameters());
        }
        throw new IllegalArgumentException("unsupported recipient key type " + recipient.getPublicKey().getAlgorithm());
    }

    /** The recipient info for one copy; for EC, with a fresh ephemeral key. */
    RecipientInfoGenerator recipientInfo() throws GeneralSecurityException {
        if (keyTransport != null) {
            return keyTransport;
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Cms.PROVIDER);
        generator.initialize(curve);
        KeyPair ephemeral = generator.generateKeyPair();
        return new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, ephemeral.getPrivate(), ephemeral.getPublic(),
                CMSAlgorithm.AES256_WRAP).addRecipient(agreementCertificate).setProvider(Cms.PROVIDER);
    }
}
