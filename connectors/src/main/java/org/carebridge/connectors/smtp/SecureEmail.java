package org.carebridge.connectors.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.mail.smime.SMIMEEnvelopedGenerator;
import org.bouncycastle.mail.smime.SMIMEException;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * One copy as secure email (S/MIME, RFC 8551): the content is CMS-signed by the gateway (multipart/signed, the
 * signer's certificate included) and the signed part encrypted to the recipient's certificate (application/pkcs7-mime
 * enveloped-data, AES-256-CBC; the content key by RSA-OAEP-SHA256 or ECDH-P256). The subject and headers carry only
 * the event and the message id: nothing about the child travels outside the encrypted part.
 */
public final class SecureEmail {

    private static final Provider BC = new BouncyCastleProvider();
    private static final Session SESSION = Session.getInstance(new Properties());

    /** What goes inside the encryption: the copy, its media type and a file name for it. */
    public record Content(byte[] body, String contentType, String fileName) {
    }

    /** The envelope: who it is from and to, and the subject line (no personal data). */
    public record Envelope(String from, String to, String subject, String messageId) {
    }

    private SecureEmail() {
    }

    public static MimeMessage of(Content content, Envelope envelope, PrivateKey signingKey, X509Certificate signingCertificate,
                                 X509Certificate recipient, Instant now) {
        try {
            MimeBodyPart inner = new MimeBodyPart();
            inner.setContent(content.body(), content.contentType());
            inner.setHeader("Content-Type", content.contentType());
            inner.setFileName(content.fileName());
            inner.setDisposition(content.contentType().startsWith("text/html") ? MimeBodyPart.INLINE : MimeBodyPart.ATTACHMENT);

            SMIMESignedGenerator signer = new SMIMESignedGenerator();
            signer.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider(BC)
                    .build(signatureAlgorithm(signingKey), signingKey, signingCertificate));
            signer.addCertificates(new JcaCertStore(List.of(signingCertificate)));
            MimeMultipart signed = signer.generate(inner);
            MimeBodyPart signedPart = new MimeBodyPart();
            signedPart.setContent(signed);
            signedPart.setHeader("Content-Type", signed.getContentType());

            SMIMEEnvelopedGenerator encryptor = new SMIMEEnvelopedGenerator();
            encryptor.addRecipientInfoGenerator(recipientInfo(recipient));
            MimeBodyPart encrypted = encryptor.generate(signedPart,
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setProvider(BC).build());

            MimeMessage message = new MimeMessage(SESSION) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", "<" + envelope.messageId() + "@carebridge>");
                }
            };
            message.setFrom(new InternetAddress(envelope.from(), true));
            message.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(envelope.to(), true));
            message.setSubject(envelope.subject());
            message.setSentDate(Date.from(now));
            message.setContent(encrypted.getContent(), encrypted.getContentType());
            message.setHeader("Content-Type", encrypted.getContentType());
            message.setHeader("Content-Transfer-Encoding", "base64");
            message.setDisposition("attachment; filename=\"smime.p7m\"");
            message.saveChanges();
            return message;
        } catch (MessagingException | SMIMEException | CMSException | OperatorCreationException | GeneralSecurityException
                 | java.io.IOException e) {
            throw new IllegalStateException("the secure email could not be made: " + e.getClass().getSimpleName(), e);
        }
    }

    /** How the content key reaches this recipient, for the audit. */
    public static String protection(PrivateKey signingKey, X509Certificate recipient) {
        String key = recipient.getPublicKey() instanceof RSAPublicKey ? "RSA-OAEP-SHA256" : "ECDH-P256-SHA256KDF-AES256WRAP";
        return "smime signed " + signatureAlgorithm(signingKey) + " enveloped AES-256-CBC " + key;
    }

    private static RecipientInfoGenerator recipientInfo(X509Certificate recipient) throws GeneralSecurityException {
        if (recipient.getPublicKey() instanceof RSAPublicKey) {
            var oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP,
                    new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            return new JceKeyTransRecipientInfoGenerator(recipient, oaep).setProvider(BC);
        }
        if (recipient.getPublicKey() instanceof ECPublicKey ec) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(ec.getParams());
            KeyPair ephemeral = generator.generateKeyPair();
            return new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, ephemeral.getPrivate(), ephemeral.getPublic(),
                    CMSAlgorithm.AES256_WRAP).addRecipient(recipient).setProvider(BC);
        }
        throw new IllegalArgumentException("unsupported recipient key type " + recipient.getPublicKey().getAlgorithm());
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported signing key type " + key.getAlgorithm());
        };
    }
}
