package org.carebridge.security.crypto.cms;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.carebridge.security.crypto.KeyMaterial;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.time.Clock;
import java.util.Date;
import java.util.List;

/**
 * Seals a disclosure for one recipient: CMS SignedData by the gateway (its certificate included), inside CMS
 * AuthEnvelopedData with AES-256-GCM, the content key sent to the recipient by RSA-OAEP (SHA-256) for an RSA
 * certificate or by ephemeral-static ECDH (P-256, SHA-256 KDF, AES-256 key wrap) for an EC one. The result is the DER
 * ContentInfo carried as {@value #MEDIA_TYPE}.
 */
public final class DisclosureSeal {

    public static final String MEDIA_TYPE = "application/pkcs7-mime";
    public static final String SEALED_CONTENT_TYPE = MEDIA_TYPE + "; smime-type=authEnveloped-data";

    private final KeyMaterial signer;
    private final String signatureAlgorithm;
    private final Clock clock;

    public DisclosureSeal(KeyMaterial signer, Clock clock) {
        this.signer = signer;
        this.signatureAlgorithm = signatureAlgorithm(signer.privateKey());
        this.clock = clock;
    }

    /** Signs, then encrypts to {@code recipient}; refuses a recipient certificate that is expired or not yet valid. */
    public byte[] seal(byte[] content, X509Certificate recipient) {
        requireValid(recipient, "recipient");
        requireValid(signer.certificate(), "gateway signing");
        // The encrypted content is typed id-data, as openssl does: RFC 5083 would otherwise require authenticated
        // attributes, which not every reader supports. The bytes inside are the DER SignedData.
        return encrypt(sign(content), CMSObjectIdentifiers.data, recipient);
    }

    /** CMS SignedData with the content encapsulated, as DER. */
    public byte[] sign(byte[] content) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            var contentSigner = new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Cms.PROVIDER).build(signer.privateKey());
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(Cms.PROVIDER).build())
                    .build(contentSigner, signer.certificate()));
            generator.addCertificates(new JcaCertStore(List.of(signer.certificate())));
            return generator.generate(new CMSProcessableByteArray(content), true).getEncoded();
        } catch (OperatorCreationException | CMSException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** CMS AuthEnvelopedData (AES-256-GCM) of {@code data} for {@code recipient}, as DER. */
    public static byte[] encrypt(byte[] data, ASN1ObjectIdentifier contentType, X509Certificate recipient) {
        try {
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(recipientInfo(recipient));
            var encryptor = (org.bouncycastle.operator.OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                    .setProvider(Cms.PROVIDER).build();
            return generator.generate(new CMSProcessableByteArray(contentType, data), encryptor).getEncoded();
        } catch (CMSException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encrypt: " + e.getMessage(), e);
        }
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** How the content key reaches this recipient, from its certificate's key type. */
    public static String keyProtection(X509Certificate recipient) {
        if (recipient.getPublicKey() instanceof RSAPublicKey) {
            return "RSA-OAEP-SHA256";
        }
        if (recipient.getPublicKey() instanceof ECPublicKey) {
            return "ECDH-P256-SHA256KDF-AES256WRAP";
        }
        throw new IllegalArgumentException("unsupported recipient key type " + recipient.getPublicKey().getAlgorithm());
    }

    private static RecipientInfoGenerator recipientInfo(X509Certificate recipient) throws GeneralSecurityException {
        if (recipient.getPublicKey() instanceof RSAPublicKey) {
            var oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP,
                    new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            return new JceKeyTransRecipientInfoGenerator(recipient, oaep).setProvider(Cms.PROVIDER);
        }
        if (recipient.getPublicKey() instanceof ECPublicKey ec) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Cms.PROVIDER);
            generator.initialize(ec.getParams());
            KeyPair ephemeral = generator.generateKeyPair();
            return new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, ephemeral.getPrivate(),
                    ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP).addRecipient(recipient).setProvider(Cms.PROVIDER);
        }
        throw new IllegalArgumentException("unsupported recipient key type " + recipient.getPublicKey().getAlgorithm());
    }

    private void requireValid(X509Certificate certificate, String role) {
        try {
            certificate.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            throw new SealRefused(role + " certificate has expired (" + certificate.getNotAfter().toInstant() + ")");
        } catch (CertificateNotYetValidException e) {
            throw new SealRefused(role + " certificate is not yet valid");
        }
    }

    static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("unsupported signing key type " + key.getAlgorithm());
        };
    }

    /** Sealing was refused, e.g. for an expired certificate; the copy must not be sent unprotected. */
    public static final class SealRefused extends RuntimeException {
        public SealRefused(String message) {
            super(message);
        }
    }
}
