package org.carebridge.security.crypto.cms;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.CollectionStore;
import org.bouncycastle.util.Store;
import org.carebridge.security.crypto.KeyMaterial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Seals a disclosure for one recipient: CMS SignedData by the gateway (its certificate included), inside CMS
 * AuthEnvelopedData with AES-256-GCM, the content key sent to the recipient by RSA-OAEP (SHA-256) for an RSA
 * certificate or by ephemeral-static ECDH (P-256, SHA-256 KDF, AES-256 key wrap) for an EC one. The result is the DER
 * ContentInfo carried as {@value #MEDIA_TYPE}.
 */
public final class DisclosureSeal {

    public static final String MEDIA_TYPE = "application/pkcs7-mime";
    public static final String SEALED_CONTENT_TYPE = MEDIA_TYPE + "; smime-type=authEnveloped-data";
    // what a SignedData adds beside the content and the certificate (signer info, attributes, signature), and an
    // AuthEnvelopedData beside the ciphertext (recipient info with its wrapped key, parameters, tag): room to spare
    private static final int SIGNER_INFO_ALLOWANCE = 512;
    private static final int ENVELOPE_ALLOWANCE = 1024;

    private final KeyMaterial signer;
    private final String signatureAlgorithm;
    private final Clock clock;
    // Built once per signing key: the key in Bouncy Castle's own form (a JDK key would be converted, and its curve's
    // fixed-point tables rebuilt, on every signature), the certificate parsed once, and signers pooled because a
    // SignerInfoGenerator holds one Signature and is not thread-safe.
    private final PrivateKey signingKey;
    private final X509CertificateHolder signerCertificate;
    private final Store<X509CertificateHolder> certificates;
    private final Queue<SignerInfoGenerator> signers = new ConcurrentLinkedQueue<>();
    private final int certificateLength;
    private volatile SigningTime signingTime;

    public DisclosureSeal(KeyMaterial signer, Clock clock) {
        this.signer = signer;
        this.signatureAlgorithm = signatureAlgorithm(signer.privateKey());
        this.clock = clock;
        this.signingKey = Cms.providerKey(signer.privateKey());
        try {
            this.signerCertificate = new JcaX509CertificateHolder(signer.certificate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the gateway signing certificate", e);
        }
        this.certificates = new CollectionStore<>(List.of(signerCertificate));
        try {
            this.certificateLength = signerCertificate.getEncoded().length;
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the gateway signing certificate", e);
        }
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
        SignerInfoGenerator signerInfo = signers.poll();
        try {
            if (signerInfo == null) {
                signerInfo = newSigner();
            }
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(signerInfo);
            generator.addCertificates(certificates);
            byte[] signed = encoded(generator.generate(new CMSProcessableByteArray(content), true).toASN1Structure(),
                    content.length + certificateLength + SIGNER_INFO_ALLOWANCE);
            signers.offer(signerInfo);
            return signed;
        } catch (OperatorCreationException | CMSException | IOException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    private SignerInfoGenerator newSigner() throws OperatorCreationException {
        var contentSigner = new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Cms.PROVIDER).build(signingKey);
        return new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider(Cms.PROVIDER).build())
                .setSignedAttributeGenerator(parameters -> new DefaultSignedAttributeTableGenerator(signingTime()).getAttributes(parameters))
                .build(contentSigner, signerCertificate);
    }

    /**
     * The signing-time attribute, made once per second: the time is encoded to the second, and Bouncy Castle's own
     * default builds and parses it through new date formats on every signature.
     */
    private AttributeTable signingTime() {
        long second = clock.millis() / 1000;
        SigningTime cached = signingTime;
        if (cached == null || cached.second() != second) {
            cached = new SigningTime(second, new AttributeTable(new Attribute(CMSAttributes.signingTime,
                    new DERSet(new Time(new Date(second * 1000))))));
            signingTime = cached;
        }
        return cached.table();
    }

    private record SigningTime(long second, AttributeTable table) {
    }

    /**
     * The structure's encoding, as {@code getEncoded()} writes it, into a buffer sized for it: Bouncy Castle's own starts
     * at 32 bytes and is copied each time it doubles.
     */
    private static byte[] encoded(ContentInfo structure, int expectedLength) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(expectedLength);
        structure.toASN1Primitive().encodeTo(out);
        return out.toByteArray();
    }

    /** CMS AuthEnvelopedData (AES-256-GCM, the JDK's cipher) of {@code data} for {@code recipient}, as DER. */
    public static byte[] encrypt(byte[] data, ASN1ObjectIdentifier contentType, X509Certificate recipient) {
        try {
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(RecipientKeys.of(recipient).recipientInfo());
            return encoded(generator.generate(new CMSProcessableByteArray(contentType, data), new JdkGcmEncryptor(data.length))
                    .toASN1Structure(), data.length + ENVELOPE_ALLOWANCE);
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
