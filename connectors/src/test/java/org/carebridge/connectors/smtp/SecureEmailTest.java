package org.carebridge.connectors.smtp;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.mail.smime.SMIMEEnveloped;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.mail.smime.SMIMEUtil;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A copy sent as S/MIME through Camel's smtp component to a real SMTP server (GreenMail), then opened as the partner would. */
class SecureEmailTest {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    @TempDir
    Path dir;

    private GreenMail mail;
    private CamelContext camel;
    private KeyMaterial signer;
    private KeyMaterial partner;

    @BeforeEach
    void start() throws Exception {
        DevPki pki = new DevPki(dir);
        pki.ensure(List.of("yot-example"));
        signer = KeyMaterial.load(pki.gatewaySigningCertificate(), pki.gatewaySigningKey());
        partner = KeyMaterial.load(pki.partnerEncryptionCertificate("yot-example"), pki.partnerEncryptionKey("yot-example"));
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        camel = new DefaultCamelContext();
        camel.addRoutes(new SmtpOutboundRouteTemplate());
        camel.start();
        TemplatedRouteBuilder.builder(camel, SmtpOutboundRouteTemplate.TEMPLATE_ID)
                .routeId(SmtpOutboundRouteTemplate.routeId("yot-example"))
                .parameter("partner", "yot-example")
                .parameter("host", "127.0.0.1")
                .parameter("port", String.valueOf(mail.getSmtp().getPort()))
                .add();
    }

    @AfterEach
    void stop() {
        camel.stop();
        mail.stop();
    }

    @Test
    void theRecipientDecryptsTheMessageAndVerifiesTheGatewaysSignature() throws Exception {
        byte[] copy = "{\"resourceType\":\"Bundle\",\"type\":\"message\",\"name\":\"Test Example\"}".getBytes(StandardCharsets.UTF_8);
        MimeMessage message = SecureEmail.of(new SecureEmail.Content(copy, "application/fhir+json", "m-1.json"),
                new SecureEmail.Envelope("gateway@carebridge.test", "yot@partner.test", "CareBridge custody-notification 42", "d-1"),
                signer.privateKey(), signer.certificate(), partner.certificate(), Instant.now());

        camel.createProducerTemplate().sendBody(SmtpOutboundRouteTemplate.inputOf("yot-example"), message);

        assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage received = mail.getReceivedMessages()[0];
        assertThat(received.getAllRecipients()[0].toString()).isEqualTo("yot@partner.test");
        assertThat(received.getSubject()).isEqualTo("CareBridge custody-notification 42");
        assertThat(received.getContentType()).startsWith("application/pkcs7-mime").contains("enveloped-data");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        received.writeTo(raw);
        assertThat(raw.toString(StandardCharsets.ISO_8859_1)).doesNotContain("Test Example").doesNotContain("Bundle");

        SMIMEEnveloped enveloped = new SMIMEEnveloped(received);
        RecipientInformation recipient = enveloped.getRecipientInfos().getRecipients().iterator().next();
        MimeBodyPart signedPart = SMIMEUtil.toMimeBodyPart(recipient.getContent(
                new JceKeyTransEnvelopedRecipient(partner.privateKey()).setProvider(BC)));
        SMIMESigned signed = new SMIMESigned((MimeMultipart) signedPart.getContent());
        SignerInformation signature = signed.getSignerInfos().getSigners().iterator().next();
        @SuppressWarnings("unchecked")
        X509CertificateHolder signingCertificate = (X509CertificateHolder) signed.getCertificates().getMatches(signature.getSID())
                .iterator().next();
        assertThat(signingCertificate.getEncoded()).isEqualTo(signer.certificate().getEncoded());
        assertThat(signature.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(signingCertificate))).isTrue();
        MimeBodyPart content = signed.getContent();
        assertThat(content.getContentType()).startsWith("application/fhir+json");
        assertThat(content.getFileName()).isEqualTo("m-1.json");
        assertThat(content.getInputStream().readAllBytes()).isEqualTo(copy);
    }

    @Test
    void anotherKeyCannotOpenTheMessage() throws Exception {
        MimeMessage message = SecureEmail.of(new SecureEmail.Content("{}".getBytes(), "application/fhir+json", "m-2.json"),
                new SecureEmail.Envelope("gateway@carebridge.test", "yot@partner.test", "CareBridge test", "d-2"),
                signer.privateKey(), signer.certificate(), partner.certificate(), Instant.now());
        camel.createProducerTemplate().sendBody(SmtpOutboundRouteTemplate.inputOf("yot-example"), message);
        assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();

        RecipientInformation recipient = new SMIMEEnveloped(mail.getReceivedMessages()[0]).getRecipientInfos().getRecipients().iterator().next();
        KeyMaterial other = KeyMaterial.load(new DevPki(dir).gatewayEncryptionCertificate(), new DevPki(dir).gatewayEncryptionKey());
        assertThatThrownBy(() -> recipient.getContent(new JceKeyTransEnvelopedRecipient(other.privateKey()).setProvider(BC)))
                .isInstanceOf(org.bouncycastle.cms.CMSException.class);
    }
}
