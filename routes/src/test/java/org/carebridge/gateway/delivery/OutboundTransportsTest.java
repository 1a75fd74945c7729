package org.carebridge.gateway.delivery;

import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.mail.smime.SMIMEEnveloped;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.mail.smime.SMIMEUtil;
import org.carebridge.connectors.sftp.SftpOutboundRouteTemplate;
import org.carebridge.connectors.smtp.SmtpOutboundRouteTemplate;
import org.carebridge.gateway.demo.DemoMailServer;
import org.carebridge.gateway.demo.DemoSftpServer;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.carebridge.security.partner.PartnerRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Suffolk child placed in Cambridgeshire: its children's services get a readable notice, sealed, in their SFTP inbox
 * (the demo partners' MINA SSHD server), and its health team a secure email (S/MIME through the demo partners'
 * GreenMail); each copy is DELIVERED with its DISCLOSED fact only once its transport took it.
 */
class OutboundTransportsTest extends GatewayTest {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    @Autowired
    DemoSftpServer sftp;

    @Autowired
    DemoMailServer mailbox;

    @Autowired
    PartnerRegistry registry;

    @Autowired
    DeliveryTemplates transports;

    @Autowired
    org.apache.camel.CamelContext camel;

    @Autowired
    org.carebridge.gateway.routing.PartnerRoutes routes;

    @Test
    void aPlacementReachesANoticeOnlyPartnerOverSftpAndAHealthTeamBySecureEmail() throws Exception {
        assertThat(camel.getRoute(SftpOutboundRouteTemplate.routeId("cs-cambridgeshire"))).isNotNull();
        assertThat(camel.getRoute(SmtpOutboundRouteTemplate.routeId("health-cambridgeshire"))).isNotNull();
        String messageId = Examples.newMessageId();
        String placement = Examples.placementNotification(messageId).replaceAll("\"valueCode\"\\s*:\\s*\"E10000020\"", "\"valueCode\": \"E10000003\"");
        var response = as("cs-suffolk").processMessage(Examples.bytes(placement));
        assertThat(response.statusCode()).isEqualTo(202);
        String tracking = response.headers().firstValue("Location").orElseThrow().replaceAll(".*/records/", "");

        Path inbox = sftp.root("cs-cambridgeshire").resolve("inbox");
        Path notice = inbox.resolve(messageId + ".html.p7m");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(notice));
        String html = new String(opened(Files.readAllBytes(notice), "cs-cambridgeshire"), StandardCharsets.UTF_8);
        assertThat(html).contains("<h1>Placement notification</h1>", "<h2>What to do</h2>", "<h2>Deadline</h2>",
                "information-sharing agreement &#39;placement-notification&#39;").doesNotContain("Free-text summary");
        try (var files = Files.list(inbox)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".part"));
        }

        Partner health = registry.byId("health-cambridgeshire").orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> mailbox.received(health).stream().anyMatch(m -> subject(m).contains(tracking)));
        MimeMessage email = mailbox.received(health).stream().filter(m -> subject(m).contains(tracking)).findFirst().orElseThrow();
        assertThat(email.getSubject()).isEqualTo("CareBridge placement-notification " + tracking);
        KeyMaterial key = KeyMaterial.load(PKI.partnerEncryptionCertificate("health-cambridgeshire"), PKI.partnerEncryptionKey("health-cambridgeshire"));
        RecipientInformation recipient = new SMIMEEnveloped(email).getRecipientInfos().getRecipients().iterator().next();
        MimeBodyPart signedPart = SMIMEUtil.toMimeBodyPart(recipient.getContent(new JceKeyTransEnvelopedRecipient(key.privateKey()).setProvider(BC)));
        SMIMESigned signed = new SMIMESigned((MimeMultipart) signedPart.getContent());
        SignerInformation signature = signed.getSignerInfos().getSigners().iterator().next();
        X509CertificateHolder signer = (X509CertificateHolder) signed.getCertificates().getMatches(signature.getSID()).iterator().next();
        assertThat(signature.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(signer))).isTrue();
        assertThat(signer.getSubject().toString()).contains("carebridge-gateway-signing");
        String copy = new String(signed.getContent().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(json(copy).path("id").asText()).isEqualTo(messageId);
        assertThat(copy).doesNotContain("Never shared");

        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where kind = 'DISCLOSED' and tracking_id = ? and recipient in ('cs-cambridgeshire', 'health-cambridgeshire')",
                Long.class, tracking) == 2);
        List<String> disclosed = jdbc.queryForList("select recipient || ': ' || reason from audit_entry where kind = 'DISCLOSED' and tracking_id = ?"
                + " and recipient in ('cs-cambridgeshire', 'health-cambridgeshire') order by recipient", String.class, tracking);
        assertThat(disclosed.get(0)).startsWith("cs-cambridgeshire: placement-notification; cms-sealed").endsWith("; notice-html over sftp");
        assertThat(disclosed.get(1)).startsWith("health-cambridgeshire: placement-notification; smime signed").endsWith(" over smtp");
        assertThat(jdbc.queryForList("select state from delivery where tracking_id = ?::uuid and recipient in ('cs-cambridgeshire', 'health-cambridgeshire')",
                String.class, tracking)).containsExactly("DELIVERED", "DELIVERED");
    }

    @Test
    void eachTransportsConnectionTestReachesItsServerAndAWrongPasswordFails() throws Exception {
        assertThat(transports.checkConnection(registry.byId("cs-cambridgeshire").orElseThrow()))
                .satisfies(r -> {
                    assertThat(r.passed()).as(r.outcome()).isTrue();
                    assertThat(r.check()).isEqualTo("SFTP login");
                });
        assertThat(transports.checkConnection(registry.byId("health-cambridgeshire").orElseThrow()))
                .satisfies(r -> {
                    assertThat(r.passed()).as(r.outcome()).isTrue();
                    assertThat(r.check()).isEqualTo("SMTP EHLO");
                });
        assertThat(transports.checkConnection(registry.byId("cs-norfolk").orElseThrow()))
                .satisfies(r -> {
                    assertThat(r.passed()).as(r.outcome()).isTrue();
                    assertThat(r.check()).isEqualTo("TLS handshake");
                });

        Partner real = registry.byId("cs-cambridgeshire").orElseThrow();
        Path wrong = Files.writeString(DATA_DIR.resolve("wrong-sftp-password.txt"), "not-the-password-4711\n");
        PartnerEndpoint endpoint = new PartnerEndpoint(real.endpoint().url(), real.endpoint().transport(), real.endpoint().format(),
                new PartnerEndpoint.Login(real.endpoint().login().username(), wrong, real.endpoint().login().knownHosts()), null);
        var failed = transports.checkConnection(new Partner(real.id(), real.name(), real.kind(), real.area(), endpoint, real.certificate()));
        assertThat(failed.passed()).isFalse();
        assertThat(failed.outcome()).doesNotContain("not-the-password-4711");
    }

    @Test
    void aCopyTheSftpServerDidNotTakeIsNeverRecordedAsDisclosed() throws Exception {
        // the partner's server refuses every write (as a full or read-only inbox would)
        org.apache.camel.builder.AdviceWith.adviceWith(camel, SftpOutboundRouteTemplate.routeId("cs-cambridgeshire"),
                route -> route.weaveByToUri("sftp*").replace().throwException(new java.io.IOException("inbox refused the write")));
        try {
            String messageId = Examples.newMessageId();
            String placement = Examples.placementNotification(messageId).replaceAll("\"valueCode\"\\s*:\\s*\"E10000020\"", "\"valueCode\": \"E10000003\"");
            var response = as("cs-suffolk").processMessage(Examples.bytes(placement));
            assertThat(response.statusCode()).isEqualTo(202);
            String tracking = response.headers().firstValue("Location").orElseThrow().replaceAll(".*/records/", "");

            await().atMost(Duration.ofSeconds(60)).until(() -> "DEAD_LETTERED".equals(jdbc.queryForObject(
                    "select state from delivery where tracking_id = ?::uuid and recipient = 'cs-cambridgeshire'", String.class, tracking)));
            assertThat(jdbc.queryForObject("select count(*) from audit_entry where kind = 'DISCLOSED' and tracking_id = ? and recipient = 'cs-cambridgeshire'",
                    Long.class, tracking)).isZero();
            assertThat(sftp.root("cs-cambridgeshire").resolve("inbox/" + messageId + ".html.p7m")).doesNotExist();
            // the other partner's transport is not held back
            await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(jdbc.queryForObject(
                    "select state from delivery where tracking_id = ?::uuid and recipient = 'health-cambridgeshire'", String.class, tracking)));
        } finally {
            routes.replace(registry.byId("cs-cambridgeshire").orElseThrow());
        }
        assertThat(transports.checkConnection(registry.byId("cs-cambridgeshire").orElseThrow()).passed()).isTrue();
    }

    private static byte[] opened(byte[] sealed, String partnerId) throws Exception {
        KeyMaterial key = KeyMaterial.load(PKI.partnerEncryptionCertificate(partnerId), PKI.partnerEncryptionKey(partnerId));
        RecipientInformation recipient = new CMSAuthEnvelopedData(sealed).getRecipientInfos().getRecipients().iterator().next();
        CMSSignedData signed = new CMSSignedData(recipient.getContent(new JceKeyTransAuthEnvelopedRecipient(key.privateKey()).setProvider(BC)));
        SignerInformation signature = signed.getSignerInfos().getSigners().iterator().next();
        X509CertificateHolder signer = (X509CertificateHolder) signed.getCertificates().getMatches(signature.getSID()).iterator().next();
        assertThat(signature.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(signer))).isTrue();
        return (byte[]) signed.getSignedContent().getContent();
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject() == null ? "" : message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }
}
