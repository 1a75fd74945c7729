package org.carebridge.gateway.seal;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.cms.DisclosureSeal;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end protection on the real stack: sealed copies open with the openssl command line, partners' CMS bodies are
 * verified (and decrypted) before anything is stored, and the partner port refuses bad client certificates.
 */
class SealedExchangeTest extends GatewayTest {

    private static final String CMS = "application/pkcs7-mime; smime-type=authEnveloped-data";

    @Test
    void aSealedCopyOpensWithOpensslAndIsExactlyTheRecipientsMinimisedCopy() throws Exception {
        String messageId = Examples.newMessageId();
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);

        Path sealed = inbox("vs-suffolk").dir().resolve(messageId + ".p7m");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sealed) && Files.exists(inboxFile("vs-suffolk", messageId)));

        byte[] opened = opensslOpen(sealed, PKI.partnerEncryptionCertificate("vs-suffolk"), PKI.partnerEncryptionKey("vs-suffolk"));
        assertThat(opened).isEqualTo(Files.readAllBytes(inboxFile("vs-suffolk", messageId)));
        String copy = new String(opened, StandardCharsets.UTF_8);
        assertThat(json(copy).path("id").asText()).isEqualTo(messageId);
        assertThat(copy).doesNotContain("Never shared").doesNotContain("Asthma");
        // nothing readable on the wire to the partner: the sealed bytes carry no part of the copy
        assertThat(new String(Files.readAllBytes(sealed), StandardCharsets.ISO_8859_1)).doesNotContain(messageId).doesNotContain("Bundle");

        // the health team cannot decrypt yet and the placement agreement allows it plain FHIR over mutual TLS
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("health-norfolk", messageId)));
        assertThat(inbox("health-norfolk").dir().resolve(messageId + ".p7m")).doesNotExist();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(jdbc.queryForList("""
                    select e.reason from audit_entry e join intake_record r on r.tracking_id::text = e.tracking_id
                    where r.message_id = ? and e.kind = 'RECEIVED'""", String.class, messageId))
                    .containsExactly("placement-notification; unsigned body over mutual TLS");
            assertThat(disclosureReason(messageId, "vs-suffolk")).contains("cms-sealed SHA256withECDSA AES-256-GCM RSA-OAEP-SHA256");
            assertThat(disclosureReason(messageId, "health-norfolk")).contains("plain-mtls (allowed by placement-notification v1)");
        });
    }

    @Test
    void anEcRecipientGetsItsCopyByKeyAgreementAndOpensslOpensIt() throws Exception {
        String messageId = Examples.newMessageId();
        String body = Examples.withMessageId(Files.readString(Examples.CONFIG.resolve("examples/placement-notification-risk-flag.json")), messageId);
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(body)).statusCode()).isEqualTo(202);

        Path sealed = inbox("police-norfolk").dir().resolve(messageId + ".p7m");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sealed) && Files.exists(inboxFile("police-norfolk", messageId)));

        byte[] opened = opensslOpen(sealed, PKI.partnerCertificate("police-norfolk"), PKI.partnerKey("police-norfolk"));
        assertThat(opened).isEqualTo(Files.readAllBytes(inboxFile("police-norfolk", messageId)));
        assertThat(new String(opened, StandardCharsets.UTF_8)).doesNotContain("Asthma");
    }

    @Test
    void aBodySignedAndEncryptedWithOpensslIsAcceptedAsFromThatPartner() throws Exception {
        String messageId = Examples.newMessageId();
        Path message = Files.writeString(Files.createTempFile(DATA_DIR, "police", ".json"), careLeaverContact(messageId));
        Path signed = Files.createTempFile(DATA_DIR, "police", ".signed.der");
        Path enveloped = Files.createTempFile(DATA_DIR, "police", ".p7m");
        openssl("cms", "-sign", "-binary", "-nodetach", "-in", message.toString(), "-signer", PKI.partnerCertificate("police-norfolk").toString(),
                "-inkey", PKI.partnerKey("police-norfolk").toString(), "-outform", "DER", "-out", signed.toString());
        openssl("cms", "-encrypt", "-binary", "-aes-256-gcm", "-in", signed.toString(), "-outform", "DER", "-out", enveloped.toString(),
                PKI.gatewayEncryptionCertificate().toString());

        HttpResponse<String> response = as("police-norfolk").post("/fhir/$process-message", CMS, Files.readAllBytes(enveloped));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(jdbc.queryForObject("select count(*) from intake_record where sender = 'police-norfolk' and message_id = ?",
                Long.class, messageId)).isEqualTo(1);
        // the ledger says how it came: signed, encrypted, and by which certificate
        String trackingId = response.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "select reason from audit_entry where tracking_id = ? and kind = 'RECEIVED'", String.class, trackingId))
                .singleElement().asString().startsWith("care-leaver-police-contact; cms-signed and encrypted, signer certificate serial "));
    }

    @Test
    void aTamperedBodyIsRefusedAuditedAndNothingIsStored() throws Exception {
        String messageId = Examples.newMessageId();
        byte[] signed = signAs("police-norfolk", careLeaverContact(messageId));
        int at = indexOf(signed, "care-leaver-police-contact".getBytes(StandardCharsets.UTF_8));
        signed[at] = 'C';

        assertRefused(as("police-norfolk").post("/fhir/$process-message", CMS, signed), 400, "cms-signature-invalid", messageId);
    }

    @Test
    void aSignatureByAnotherPartnersKeyIsRefused() throws Exception {
        String messageId = Examples.newMessageId();
        byte[] signedByOther = signAs("vs-suffolk", careLeaverContact(messageId));

        assertRefused(as("police-norfolk").post("/fhir/$process-message", CMS, signedByOther), 403, "cms-wrong-signer", messageId);
    }

    @Test
    void aSignatureByAnExpiredCertificateIsRefused() throws Exception {
        Path cert = DATA_DIR.resolve("expired-police.crt.pem");
        Path key = DATA_DIR.resolve("expired-police.key.pem");
        Instant now = Instant.now();
        PKI.issue("police-norfolk", DevPki.Use.SIGNING, DevPki.ecKeyPair(), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), cert, key);
        String messageId = Examples.newMessageId();
        byte[] signed = new DisclosureSeal(KeyMaterial.load(cert, key), Clock.offset(Clock.systemUTC(), Duration.ofDays(-2)))
                .sign(Examples.bytes(careLeaverContact(messageId)));

        // not the registered certificate, and expired besides: refused either way before anything is parsed
        assertRefused(as("police-norfolk").post("/fhir/$process-message", CMS, signed), 403, "cms-", messageId);
    }

    @Test
    void aPartnerThatMustSignCannotSendAPlainBody() throws Exception {
        String plain = educationUpdateLike(Examples.newMessageId());
        HttpResponse<String> refused = as("vs-norfolk").processMessage(Examples.bytes(plain));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("must send a CMS-signed body");

        String messageId = Examples.newMessageId();
        HttpResponse<String> accepted = as("vs-norfolk").post("/fhir/$process-message", CMS,
                signAs("vs-norfolk", educationUpdateLike(messageId)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    }

    @Test
    void anExpiredClientCertificateFailsTheHandshake() throws Exception {
        Path cert = DATA_DIR.resolve("expired-client.crt.pem");
        Path key = DATA_DIR.resolve("expired-client.key.pem");
        Instant now = Instant.now();
        PKI.issue("cs-suffolk", DevPki.Use.TLS_CLIENT, DevPki.ecKeyPair(), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), cert, key);
        long before = records();

        PartnerClient expired = PartnerClient.withCertificate(cert, key, PKI.caCertificate(), baseUrl());
        assertThatThrownBy(() -> expired.processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId()))))
                .isInstanceOf(IOException.class);
        assertThat(records()).isEqualTo(before);
    }

    private void assertRefused(HttpResponse<String> response, int status, String reason, String messageId) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode outcome = json(response.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").get(0).path("code").asText()).isEqualTo("security");
        assertThat(jdbc.queryForObject("select count(*) from intake_record where message_id = ?", Long.class, messageId)).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("""
                select count(*) from (select reason from audit_outbox where kind = 'REFUSED' and actor = 'police-norfolk'
                union all select reason from audit_entry where kind = 'REFUSED' and actor = 'police-norfolk') r
                where reason like ?""", Long.class, reason + "%") > 0);
    }

    private String disclosureReason(String messageId, String recipient) {
        List<String> reasons = jdbc.queryForList("""
                select e.reason from audit_entry e join intake_record r on r.tracking_id::text = e.tracking_id
                where r.message_id = ? and e.kind = 'DISCLOSED' and e.recipient = ?""", String.class, messageId, recipient);
        return reasons.isEmpty() ? "" : reasons.get(0);
    }

    private static String careLeaverContact(String messageId) throws IOException {
        return Examples.withMessageId(Files.readString(Examples.CONFIG.resolve("examples/care-leaver-police-contact.json")), messageId);
    }

    /** Any well-formed message from the Norfolk virtual school; whether anyone may receive it does not matter here. */
    private static String educationUpdateLike(String messageId) throws IOException {
        return careLeaverContact(messageId).replace("urn:carebridge:partner:police-norfolk", "urn:carebridge:partner:vs-norfolk");
    }

    private static byte[] signAs(String partner, String body) {
        return new DisclosureSeal(KeyMaterial.load(PKI.partnerCertificate(partner), PKI.partnerKey(partner)), Clock.systemUTC())
                .sign(Examples.bytes(body));
    }

    private static byte[] opensslOpen(Path sealed, Path recipientCert, Path recipientKey) throws Exception {
        Path signed = Files.createTempFile(DATA_DIR, "opened", ".der");
        Path out = Files.createTempFile(DATA_DIR, "opened", ".json");
        openssl("cms", "-decrypt", "-inform", "DER", "-in", sealed.toString(), "-recip", recipientCert.toString(),
                "-inkey", recipientKey.toString(), "-out", signed.toString());
        openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", signed.toString(), "-CAfile", PKI.caCertificate().toString(),
                "-out", out.toString());
        return Files.readAllBytes(out);
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", args[1], output).isZero();
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
