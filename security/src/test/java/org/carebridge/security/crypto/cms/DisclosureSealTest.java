package org.carebridge.security.crypto.cms;

import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DisclosureSealTest {

    @TempDir
    static Path dir;
    static DevPki pki;
    static KeyMaterial gatewaySigning;
    static X509Certificate ca;
    static final byte[] CONTENT = "{\"resourceType\":\"Bundle\",\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void pki() throws Exception {
        pki = new DevPki(dir.resolve("pki"));
        pki.ensure(List.of("vs-suffolk", "police-norfolk"));
        gatewaySigning = KeyMaterial.load(pki.gatewaySigningCertificate(), pki.gatewaySigningKey());
        ca = Pem.readCertificates(pki.caCertificate()).get(0);
    }

    private static DisclosureSeal seal() {
        return new DisclosureSeal(gatewaySigning, Clock.systemUTC());
    }

    private static SealOpener openerFor(KeyMaterial key, List<X509CRL> crls) {
        return new SealOpener(key == null ? List.of() : List.of(key), () -> List.of(ca), () -> crls, Clock.systemUTC());
    }

    private static KeyMaterial encryptionKey(String partner) {
        return KeyMaterial.load(pki.partnerEncryptionCertificate(partner), pki.partnerEncryptionKey(partner));
    }

    @Test
    void rsaRecipientOpensWhatTheGatewaySealed() {
        KeyMaterial recipient = encryptionKey("vs-suffolk");
        byte[] sealed = seal().seal(CONTENT, recipient.certificate());

        SealOpener.Opened opened = openerFor(recipient, List.of()).openFrom(sealed, gatewaySigning.certificate());

        assertThat(opened.content()).isEqualTo(CONTENT);
        assertThat(opened.encrypted()).isTrue();
        assertThat(opened.signer()).isEqualTo(gatewaySigning.certificate());
        assertThat(DisclosureSeal.keyProtection(recipient.certificate())).isEqualTo("RSA-OAEP-SHA256");
    }

    /**
     * Encoded into buffers sized for them, a signed and a sealed copy are the bytes Bouncy Castle's own encoding of them
     * gives, for a small copy and for one far larger than the buffers' allowances; and they open.
     */
    @Test
    void sealedCopiesAreEncodedAsBouncyCastleEncodesThem() throws Exception {
        KeyMaterial recipient = encryptionKey("vs-suffolk");
        byte[] large = new byte[300_000];
        java.util.Arrays.fill(large, (byte) 'x');
        for (byte[] content : List.of(CONTENT, large)) {
            byte[] signed = seal().sign(content);
            assertThat(signed).isEqualTo(new org.bouncycastle.cms.CMSSignedData(signed).getEncoded());
            byte[] sealed = seal().seal(content, recipient.certificate());
            assertThat(sealed).isEqualTo(new org.bouncycastle.cms.CMSAuthEnvelopedData(sealed).getEncoded());
            assertThat(openerFor(recipient, List.of()).openFrom(sealed, gatewaySigning.certificate()).content()).isEqualTo(content);
        }
    }

    @Test
    void ecRecipientOpensByKeyAgreement() {
        KeyMaterial recipient = KeyMaterial.load(pki.partnerCertificate("police-norfolk"), pki.partnerKey("police-norfolk"));
        byte[] sealed = seal().seal(CONTENT, recipient.certificate());

        assertThat(openerFor(recipient, List.of()).openFrom(sealed, gatewaySigning.certificate()).content()).isEqualTo(CONTENT);
        assertThat(DisclosureSeal.keyProtection(recipient.certificate())).startsWith("ECDH-P256");
    }

    @Test
    void oneSealUsedByManyThreadsGivesEveryCopyItsOwnSignatureAndContent() throws Exception {
        DisclosureSeal shared = seal();
        KeyMaterial rsa = encryptionKey("vs-suffolk");
        KeyMaterial ec = KeyMaterial.load(pki.partnerCertificate("police-norfolk"), pki.partnerKey("police-norfolk"));
        int copies = 48;
        List<java.util.concurrent.Callable<byte[]>> work = new java.util.ArrayList<>();
        for (int i = 0; i < copies; i++) {
            byte[] content = ("{\"copy\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            X509Certificate to = (i % 2 == 0 ? rsa : ec).certificate();
            work.add(() -> shared.seal(content, to));
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            var sealed = pool.invokeAll(work);
            java.util.Set<String> signatures = new java.util.HashSet<>();
            for (int i = 0; i < copies; i++) {
                KeyMaterial recipient = i % 2 == 0 ? rsa : ec;
                SealOpener.Opened opened = openerFor(recipient, List.of()).openFrom(sealed.get(i).get(), gatewaySigning.certificate());
                assertThat(new String(opened.content(), StandardCharsets.UTF_8)).isEqualTo("{\"copy\":" + i + "}");
                signatures.add(java.util.HexFormat.of().formatHex(
                        new org.bouncycastle.cms.CMSSignedData(signedDataOf(sealed.get(i).get(), recipient))
                                .getSignerInfos().getSigners().iterator().next().getSignature()));
            }
            assertThat(signatures).hasSize(copies);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ecCopiesToTheSameRecipientEachUseAFreshEphemeralKey() throws Exception {
        KeyMaterial recipient = KeyMaterial.load(pki.partnerCertificate("police-norfolk"), pki.partnerKey("police-norfolk"));
        DisclosureSeal shared = seal();
        var first = new org.bouncycastle.cms.CMSAuthEnvelopedData(shared.seal(CONTENT, recipient.certificate()));
        var second = new org.bouncycastle.cms.CMSAuthEnvelopedData(shared.seal(CONTENT, recipient.certificate()));

        assertThat(originatorKey(first)).isNotEqualTo(originatorKey(second));
    }

    @Test
    void rsaCopiesToTheSameRecipientEachCarryTheirOwnWrappedKeyUnderOaepSha256() throws Exception {
        KeyMaterial recipient = encryptionKey("vs-suffolk");
        DisclosureSeal shared = seal();
        var first = new org.bouncycastle.cms.CMSAuthEnvelopedData(shared.seal(CONTENT, recipient.certificate()));
        var second = new org.bouncycastle.cms.CMSAuthEnvelopedData(shared.seal(CONTENT, recipient.certificate()));

        var one = (org.bouncycastle.cms.KeyTransRecipientInformation) first.getRecipientInfos().getRecipients().iterator().next();
        var two = (org.bouncycastle.cms.KeyTransRecipientInformation) second.getRecipientInfos().getRecipients().iterator().next();
        assertThat(one.getKeyEncryptionAlgOID()).isEqualTo(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_RSAES_OAEP.getId());
        var oaep = org.bouncycastle.asn1.pkcs.RSAESOAEPparams.getInstance(one.getKeyEncryptionAlgParams());
        assertThat(oaep.getHashAlgorithm().getAlgorithm()).isEqualTo(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256);
        assertThat(one.getRID().match(new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(recipient.certificate()))).isTrue();
        assertThat(wrappedKey(first)).isNotEqualTo(wrappedKey(second));
        var key = new org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient(recipient.privateKey()).setProvider(Cms.PROVIDER);
        assertThat(one.getContent(key)).isNotEmpty();
        assertThat(two.getContent(key)).isNotEmpty();
    }

    private static byte[] wrappedKey(org.bouncycastle.cms.CMSAuthEnvelopedData data) {
        var envelope = org.bouncycastle.asn1.cms.AuthEnvelopedData.getInstance(data.toASN1Structure().getContent());
        var info = org.bouncycastle.asn1.cms.RecipientInfo.getInstance(envelope.getRecipientInfos().getObjectAt(0));
        return ((org.bouncycastle.asn1.cms.KeyTransRecipientInfo) info.getInfo()).getEncryptedKey().getOctets();
    }

    @Test
    void signingTimeIsTheSealsClockToTheSecondAndFollowsIt() throws Exception {
        Instant start = Instant.parse("2026-03-01T10:15:30.250Z");
        var now = new java.util.concurrent.atomic.AtomicReference<>(start);
        Clock moving = new Clock() {
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now.get();
            }
        };
        DisclosureSeal timed = new DisclosureSeal(gatewaySigning, moving);

        Instant first = signingTime(timed.sign(CONTENT));
        now.set(start.plusMillis(500));
        Instant sameSecond = signingTime(timed.sign(CONTENT));
        now.set(start.plusSeconds(61));
        Instant later = signingTime(timed.sign(CONTENT));

        assertThat(first).isEqualTo(Instant.parse("2026-03-01T10:15:30Z"));
        assertThat(sameSecond).isEqualTo(first);
        assertThat(later).isEqualTo(Instant.parse("2026-03-01T10:16:31Z"));
    }

    private static Instant signingTime(byte[] signed) throws Exception {
        var signer = new org.bouncycastle.cms.CMSSignedData(signed).getSignerInfos().getSigners().iterator().next();
        var attribute = signer.getSignedAttributes().get(org.bouncycastle.asn1.cms.CMSAttributes.signingTime);
        return org.bouncycastle.asn1.cms.Time.getInstance(attribute.getAttrValues().getObjectAt(0)).getDate().toInstant();
    }

    private static org.bouncycastle.asn1.cms.GCMParameters gcmParameters(org.bouncycastle.cms.CMSAuthEnvelopedData data) {
        var envelope = org.bouncycastle.asn1.cms.AuthEnvelopedData.getInstance(data.toASN1Structure().getContent());
        return org.bouncycastle.asn1.cms.GCMParameters.getInstance(
                envelope.getAuthEncryptedContentInfo().getContentEncryptionAlgorithm().getParameters());
    }

    private static String originatorKey(org.bouncycastle.cms.CMSAuthEnvelopedData data) throws Exception {
        var agree = (org.bouncycastle.cms.KeyAgreeRecipientInformation) data.getRecipientInfos().getRecipients().iterator().next();
        return java.util.HexFormat.of().formatHex(agree.getOriginator().getOriginatorKey().getEncoded());
    }

    /** The SignedData inside a sealed copy, decrypted with BC directly. */
    private static byte[] signedDataOf(byte[] sealed, KeyMaterial recipient) throws Exception {
        var data = new org.bouncycastle.cms.CMSAuthEnvelopedData(sealed);
        var info = data.getRecipientInfos().getRecipients().iterator().next();
        org.bouncycastle.cms.Recipient key = info instanceof org.bouncycastle.cms.KeyTransRecipientInformation
                ? new org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient(recipient.privateKey()).setProvider(Cms.PROVIDER)
                : new org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient(recipient.privateKey()).setProvider(Cms.PROVIDER);
        return info.getContent(key);
    }

    @Test
    void contentIsEncryptedWithAes256GcmAFreshNonceAndAFullTag() throws Exception {
        KeyMaterial recipient = encryptionKey("vs-suffolk");
        var first = new org.bouncycastle.cms.CMSAuthEnvelopedData(seal().seal(CONTENT, recipient.certificate()));
        var second = new org.bouncycastle.cms.CMSAuthEnvelopedData(seal().seal(CONTENT, recipient.certificate()));

        assertThat(first.getEncryptionAlgOID()).isEqualTo(org.bouncycastle.cms.CMSAlgorithm.AES256_GCM.getId());
        var parameters = gcmParameters(first);
        var again = gcmParameters(second);
        assertThat(parameters.getNonce()).hasSize(12).isNotEqualTo(again.getNonce());
        assertThat(parameters.getIcvLen()).isEqualTo(16);
        assertThat(first.getMac()).hasSize(16);
    }

    @Test
    void authenticatedAttributesAreCoveredByTheJdkCiphersTag() throws Exception {
        KeyMaterial recipient = encryptionKey("vs-suffolk");
        var generator = new org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator();
        generator.addRecipientInfoGenerator(RecipientKeys.of(recipient.certificate()).recipientInfo());
        generator.setAuthenticatedAttributeGenerator(parameters -> new org.bouncycastle.asn1.cms.AttributeTable(
                new org.bouncycastle.asn1.cms.Attribute(org.bouncycastle.asn1.cms.CMSAttributes.contentType,
                        new org.bouncycastle.asn1.DERSet(org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data))));
        byte[] sealed = generator.generate(new org.bouncycastle.cms.CMSProcessableByteArray(CONTENT), new JdkGcmEncryptor(CONTENT.length)).getEncoded();

        var data = new org.bouncycastle.cms.CMSAuthEnvelopedData(sealed);
        var info = data.getRecipientInfos().getRecipients().iterator().next();
        assertThat(info.getContent(new org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient(recipient.privateKey())
                .setProvider(Cms.PROVIDER))).isEqualTo(CONTENT);
    }

    @Test
    void anotherPartnerCannotOpenIt() {
        byte[] sealed = seal().seal(CONTENT, encryptionKey("vs-suffolk").certificate());

        assertThatThrownBy(() -> openerFor(encryptionKey("police-norfolk"), List.of()).open(sealed))
                .isInstanceOfSatisfying(SealRejected.class, e -> assertThat(e.reason()).isEqualTo(SealRejected.Reason.NOT_FOR_US));
    }

    @Test
    void alteredCiphertextFailsAuthentication() {
        KeyMaterial recipient = encryptionKey("vs-suffolk");
        byte[] sealed = seal().seal(CONTENT, recipient.certificate());
        sealed[sealed.length - 40] ^= 0x01;

        assertThatThrownBy(() -> openerFor(recipient, List.of()).open(sealed))
                .isInstanceOfSatisfying(SealRejected.class, e -> assertThat(e.reason()).isIn(
                        SealRejected.Reason.DECRYPTION_FAILED, SealRejected.Reason.NOT_CMS));
    }

    @Test
    void alteredSignedContentFailsTheSignature() {
        byte[] signed = seal().sign(CONTENT);
        int at = indexOf(signed, "Bundle".getBytes(StandardCharsets.UTF_8));
        signed[at] = 'b';

        assertThatThrownBy(() -> openerFor(null, List.of()).open(signed))
                .isInstanceOfSatisfying(SealRejected.class, e -> assertThat(e.reason()).isEqualTo(SealRejected.Reason.SIGNATURE_INVALID));
    }

    @Test
    void signatureByAnotherPartyIsNotTheRegisteredSender() {
        KeyMaterial police = KeyMaterial.load(pki.partnerCertificate("police-norfolk"), pki.partnerKey("police-norfolk"));
        KeyMaterial vs = KeyMaterial.load(pki.partnerCertificate("vs-suffolk"), pki.partnerKey("vs-suffolk"));
        byte[] signed = new DisclosureSeal(police, Clock.systemUTC()).sign(CONTENT);

        assertThat(openerFor(null, List.of()).openFrom(signed, police.certificate()).content()).isEqualTo(CONTENT);
        assertThatThrownBy(() -> openerFor(null, List.of()).openFrom(signed, vs.certificate()))
                .isInstanceOfSatisfying(SealRejected.class, e -> assertThat(e.reason()).isEqualTo(SealRejected.Reason.WRONG_SIGNER));
    }

    @Test
    void expiredSignerIsRefused() throws Exception {
        Instant now = Instant.now();
        Path cert = dir.resolve("expired.crt.pem");
        Path key = dir.resolve("expired.key.pem");
        pki.issue("expired-signer", DevPki.Use.SIGNING, DevPki.ecKeyPair(), now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(1)), cert, key);
        KeyMaterial expired = KeyMaterial.load(cert, key);
        // a signer that signed while its certificate was still valid, presented now
        byte[] signed = new DisclosureSeal(expired, Clock.fixed(now.minus(Duration.ofDays(2)), java.time.ZoneOffset.UTC)).sign(CONTENT);

        assertThatThrownBy(() -> openerFor(null, List.of()).openFrom(signed, expired.certificate()))
                .isInstanceOfSatisfying(SealRejected.class, e -> assertThat(e.reason()).isEqualTo(SealRejected.Reason.SIGNER_EXPIRED));
    }

    @Test
    void signerFromAnUnknownAuthorityIsUntrusted(@TempDir Path other) throws Exception {
        DevPki stranger = new DevPki(other);
        stranger.ensure(List.of("police-norfolk"));
        KeyMaterial foreign = KeyMaterial.load(stranger.partnerCertificate("police-norfolk"), stranger.partnerKey("police-norfolk"));
        byte[] signed = new DisclosureSeal(foreign, Clock.systemUTC()).sign(CONTENT);

        assertThatThrownBy(() -> openerFor(null, List.of()).openFrom(signed, foreign.certificate()))
                .isInstanceOfSatisfying(SealRejected.class, e -> assertThat(e.reason()).isEqualTo(SealRejected.Reason.SIGNER_UNTRUSTED));
    }

    @Test
    void revokedSignerIsRefusedWhenACrlIsConfigured() throws Exception {
        KeyMaterial police = KeyMaterial.load(pki.partnerCertificate("police-norfolk"), pki.partnerKey("police-norfolk"));
        KeyMaterial caKey = KeyMaterial.load(pki.caCertificate(), pki.caKey());
        var builder = new JcaX509v2CRLBuilder(ca, new Date());
        builder.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(7))));
        builder.addCRLEntry(police.certificate().getSerialNumber(), new Date(), CRLReason.keyCompromise);
        X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.privateKey())));
        byte[] signed = new DisclosureSeal(police, Clock.systemUTC()).sign(CONTENT);

        assertThatThrownBy(() -> openerFor(null, List.of(crl)).openFrom(signed, police.certificate()))
                .isInstanceOfSatisfying(SealRejected.class, e -> assertThat(e.reason()).isEqualTo(SealRejected.Reason.SIGNER_REVOKED));
    }

    @Test
    void expiredRecipientIsNeverSealedTo() throws Exception {
        Instant now = Instant.now();
        Path cert = dir.resolve("expired-recipient.crt.pem");
        pki.issue("expired-recipient", DevPki.Use.ENCRYPTION, DevPki.rsaKeyPair(), now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(1)), cert, dir.resolve("expired-recipient.key.pem"));
        X509Certificate expired = Pem.readCertificates(cert).get(0);

        assertThatThrownBy(() -> seal().seal(CONTENT, expired)).isInstanceOf(DisclosureSeal.SealRefused.class)
                .hasMessageContaining("expired");
    }

    @Test
    void notCmsAtAll() {
        assertThatThrownBy(() -> openerFor(null, List.of()).open(CONTENT))
                .isInstanceOfSatisfying(SealRejected.class, e -> assertThat(e.reason()).isEqualTo(SealRejected.Reason.NOT_CMS));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
