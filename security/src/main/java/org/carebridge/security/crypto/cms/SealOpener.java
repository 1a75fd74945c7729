package org.carebridge.security.crypto.cms;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientInformationStore;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.operator.OperatorCreationException;
import org.carebridge.security.crypto.KeyMaterial;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Opens a CMS body: decrypts it if it is (Auth)EnvelopedData addressed to one of our keys, then verifies the SignedData
 * inside. {@link #openFrom} also proves the signer is the expected party: the exact registered certificate, valid now,
 * chaining to a trusted authority, and not revoked by a configured CRL.
 */
public final class SealOpener {

    private final List<KeyMaterial> decryptionKeys;
    private final Supplier<List<X509Certificate>> trustAnchors;
    private final Supplier<List<X509CRL>> crls;
    private final Clock clock;

    public SealOpener(List<KeyMaterial> decryptionKeys, Supplier<List<X509Certificate>> trustAnchors,
                      Supplier<List<X509CRL>> crls, Clock clock) {
        this.decryptionKeys = List.copyOf(decryptionKeys);
        this.trustAnchors = trustAnchors;
        this.crls = crls;
        this.clock = clock;
    }

    /** The signed content and its signer, after checking the signature is intact. The signer is not yet trusted. */
    public Opened open(byte[] body) {
        ContentInfo info = contentInfo(body);
        boolean encrypted = false;
        byte[] signed = body;
        ASN1ObjectIdentifier type = info.getContentType();
        if (type.equals(CMSObjectIdentifiers.authEnvelopedData) || type.equals(CMSObjectIdentifiers.envelopedData)) {
            signed = decrypt(info);
            encrypted = true;
            info = contentInfoOrNull(signed);
            if (info == null) {
                throw new SealRejected(SealRejected.Reason.NOT_SIGNED, "the encrypted content is not CMS SignedData");
            }
        }
        if (!info.getContentType().equals(CMSObjectIdentifiers.signedData)) {
            throw new SealRejected(SealRejected.Reason.NOT_SIGNED, "the body is CMS " + info.getContentType() + ", not SignedData");
        }
        return verify(info, encrypted);
    }

    /** As {@link #open}, and the signer must be {@code registered}, currently valid and trusted. */
    public Opened openFrom(byte[] body, X509Certificate registered) {
        Opened opened = open(body, registered);
        if (!opened.signer().equals(registered)) {
            throw new SealRejected(SealRejected.Reason.WRONG_SIGNER, "signed by a certificate other than the sender's registered one");
        }
        checkTrusted(opened.signer());
        return opened;
    }

    /** As {@link #open}, and the signer must be one of {@code accepted} (e.g. the gateway's signing certificates), valid and trusted. */
    public Opened openFromOneOf(byte[] body, Collection<X509Certificate> accepted) {
        Opened opened = open(body);
        if (opened.signer() == null || !accepted.contains(opened.signer())) {
            throw new SealRejected(SealRejected.Reason.WRONG_SIGNER, "not signed by an accepted certificate");
        }
        checkTrusted(opened.signer());
        return opened;
    }

    private Opened open(byte[] body, X509Certificate registered) {
        Opened opened = open(body);
        if (opened.signer() == null) {
            // signed without certificates: the signer can only be identified against the registered one
            return opened.withSigner(registered);
        }
        return opened;
    }

    private Opened verify(ContentInfo info, boolean encrypted) {
        try {
            CMSSignedData signedData = new CMSSignedData(info);
            Collection<SignerInformation> signers = signedData.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new SealRejected(SealRejected.Reason.NOT_SIGNED, "expected exactly one signer, found " + signers.size());
            }
            if (signedData.getSignedContent() == null) {
                throw new SealRejected(SealRejected.Reason.NOT_SIGNED, "the signature is detached; the content must be encapsulated");
            }
            SignerInformation signer = signers.iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = signedData.getCertificates().getMatches(signer.getSID());
            byte[] content = (byte[]) signedData.getSignedContent().getContent();
            if (matches.isEmpty()) {
                return new Opened(content, null, encrypted, signer);
            }
            X509CertificateHolder holder = matches.iterator().next();
            if (!verified(signer, holder)) {
                throw new SealRejected(SealRejected.Reason.SIGNATURE_INVALID, "the signature does not match the content");
            }
            return new Opened(content, new JcaX509CertificateConverter().getCertificate(holder), encrypted, null);
        } catch (CMSException e) {
            throw new SealRejected(SealRejected.Reason.SIGNATURE_INVALID, "the SignedData cannot be read: " + e.getMessage());
        } catch (CertificateException e) {
            throw new SealRejected(SealRejected.Reason.SIGNATURE_INVALID, "the signer certificate cannot be read");
        }
    }

    private static boolean verified(SignerInformation signer, X509CertificateHolder holder) {
        try {
            // validity dates are checked separately, against the trust policy, so an expired signer gets its own reason
            return signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(Cms.PROVIDER)
                    .build(new JcaX509CertificateConverter().getCertificate(holder).getPublicKey()));
        } catch (CMSException | OperatorCreationException | CertificateException e) {
            return false;
        }
    }

    private byte[] decrypt(ContentInfo info) {
        boolean authenticated = info.getContentType().equals(CMSObjectIdentifiers.authEnvelopedData);
        RecipientInformationStore recipients;
        try {
            recipients = authenticated ? new CMSAuthEnvelopedData(info).getRecipientInfos()
                    : new CMSEnvelopedData(info).getRecipientInfos();
        } catch (CMSException e) {
            throw new SealRejected(SealRejected.Reason.NOT_CMS, "the enveloped data cannot be read");
        }
        for (KeyMaterial key : decryptionKeys) {
            X509CertificateHolder ours;
            try {
                ours = new X509CertificateHolder(key.certificate().getEncoded());
            } catch (IOException | java.security.cert.CertificateEncodingException e) {
                continue;
            }
            for (RecipientInformation recipient : recipients.getRecipients()) {
                if (!recipient.getRID().match(ours)) {
                    continue;
                }
                try {
                    return recipient.getContent(recipientFor(recipient, key, authenticated));
                } catch (CMSException e) {
                    throw new SealRejected(SealRejected.Reason.DECRYPTION_FAILED, "the content cannot be decrypted or was altered");
                }
            }
        }
        throw new SealRejected(SealRejected.Reason.NOT_FOR_US, "the body is not encrypted to any of our certificates");
    }

    private static Recipient recipientFor(RecipientInformation recipient, KeyMaterial key, boolean authenticated) {
        if (recipient instanceof KeyTransRecipientInformation) {
            return authenticated ? new JceKeyTransAuthEnvelopedRecipient(key.privateKey()).setProvider(Cms.PROVIDER)
                    : new JceKeyTransEnvelopedRecipient(key.privateKey()).setProvider(Cms.PROVIDER);
        }
        if (recipient instanceof KeyAgreeRecipientInformation) {
            return authenticated ? new JceKeyAgreeAuthEnvelopedRecipient(key.privateKey()).setProvider(Cms.PROVIDER)
                    : new JceKeyAgreeEnvelopedRecipient(key.privateKey()).setProvider(Cms.PROVIDER);
        }
        throw new SealRejected(SealRejected.Reason.NOT_FOR_US, "unsupported recipient info " + recipient.getClass().getSimpleName());
    }

    private void checkTrusted(X509Certificate signer) {
        Date now = Date.from(clock.instant());
        try {
            signer.checkValidity(now);
        } catch (GeneralSecurityException e) {
            throw new SealRejected(SealRejected.Reason.SIGNER_EXPIRED, "the signer certificate is not valid now (valid "
                    + signer.getNotBefore().toInstant() + " to " + signer.getNotAfter().toInstant() + ")");
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate anchor : trustAnchors.get()) {
                anchors.add(new TrustAnchor(anchor, null));
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setDate(now);
            List<X509CRL> revocations = crls.get();
            parameters.setRevocationEnabled(!revocations.isEmpty());
            if (!revocations.isEmpty()) {
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(revocations)));
            }
            var path = CertificateFactory.getInstance("X.509").generateCertPath(new ArrayList<>(List.of(signer)));
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                throw new SealRejected(SealRejected.Reason.SIGNER_REVOKED, "the signer certificate has been revoked");
            }
            if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                throw new SealRejected(SealRejected.Reason.SIGNER_EXPIRED, "the signer certificate chain has expired");
            }
            if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
                throw new SealRejected(SealRejected.Reason.SIGNER_UNTRUSTED, "the signer certificate does not chain to a trusted authority");
            }
            throw new SealRejected(SealRejected.Reason.SIGNER_UNTRUSTED, "the signer certificate is not trusted: " + e.getReason());
        } catch (GeneralSecurityException e) {
            throw new SealRejected(SealRejected.Reason.SIGNER_UNTRUSTED, "the signer certificate cannot be validated");
        }
    }

    private static ContentInfo contentInfo(byte[] body) {
        ContentInfo info = contentInfoOrNull(body);
        if (info == null) {
            throw new SealRejected(SealRejected.Reason.NOT_CMS, "the body is not a DER-encoded CMS ContentInfo");
        }
        return info;
    }

    private static ContentInfo contentInfoOrNull(byte[] body) {
        try {
            ASN1Primitive primitive = ASN1Primitive.fromByteArray(body);
            return primitive == null ? null : ContentInfo.getInstance(primitive);
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
    }

    /** What was inside, who signed it and whether it came encrypted. */
    public record Opened(byte[] content, X509Certificate signer, boolean encrypted, SignerInformation unverifiedSigner) {

        Opened withSigner(X509Certificate certificate) {
            if (unverifiedSigner == null) {
                return this;
            }
            try {
                X509CertificateHolder holder = new X509CertificateHolder(certificate.getEncoded());
                if (!unverifiedSigner.getSID().match(holder) || !verified(unverifiedSigner, holder)) {
                    throw new SealRejected(SealRejected.Reason.WRONG_SIGNER, "not signed by the sender's registered certificate");
                }
            } catch (IOException | java.security.cert.CertificateEncodingException e) {
                throw new SealRejected(SealRejected.Reason.WRONG_SIGNER, "the registered certificate cannot be read");
            }
            return new Opened(content, certificate, encrypted, null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opened other && Arrays.equals(content, other.content) && encrypted == other.encrypted
                    && java.util.Objects.equals(signer, other.signer);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(content);
        }

        @Override
        public String toString() {
            return "Opened[" + content.length + " bytes, encrypted=" + encrypted + "]";
        }
    }
}
