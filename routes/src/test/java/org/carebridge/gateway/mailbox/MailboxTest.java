package org.carebridge.gateway.mailbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.carebridge.gateway.delivery.DeliveryDispatcher;
import org.carebridge.gateway.delivery.MailboxDeliveryTemplate;
import org.carebridge.gateway.demo.DemoMailboxPuller;
import org.carebridge.gateway.storage.RetentionEraser;
import org.carebridge.gateway.seal.GatewayKeys;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.cms.SealOpener;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.carebridge.security.partner.Transport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The MESH-style mailbox on the real gateway: a partner registered with {@code transport: mailbox} (cs-peterborough)
 * gets its sealed copies deposited, and lists, downloads and acknowledges them with its own client certificate over
 * mutual TLS on the partner port. Expiry runs at a clock the test chooses, not by waiting.
 */
class MailboxTest extends GatewayTest {

    private static final String MAILBOX_PARTNER = "cs-peterborough";
    private static final String INBOX = MailboxController.INBOX;

    @Autowired
    Mailbox mailbox;

    @Autowired
    MailboxMetrics mailboxMetrics;

    @Autowired
    MeterRegistry meters;

    @Autowired
    GatewayKeys gatewayKeys;

    @Autowired
    DemoMailboxPuller demoPuller;

    @Autowired
    RetentionEraser eraser;

    @Autowired
    CamelContext camel;

    @Test
    void aSealedCopyIsDepositedAndDisclosedOnlyWhenThePartnerDownloadsIt() throws Exception {
        Placed placed = placeIntoPeterborough();
        PartnerClient partner = as(MAILBOX_PARTNER);

        // deposited, not disclosed: the ledger says so and the record's status says it is waiting in the mailbox
        assertThat(recipientState(placed)).isEqualTo("IN_MAILBOX");
        awaitLedger(placed, "MAILBOX_DEPOSITED");
        assertThat(ledgerKinds(placed)).doesNotContain("DISCLOSED");

        HttpResponse<String> listed = partner.get(INBOX + "?size=500");
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode item = itemOf(json(listed.body()), placed.mailboxId());
        assertThat(item).isNotNull();
        assertThat(item.path("event").asText()).isEqualTo("placement-notification");
        assertThat(item.path("size").asInt()).isPositive();
        assertThat(item.path("downloaded").asBoolean()).isFalse();
        assertThat(Instant.parse(item.path("depositedAt").asText())).isBefore(Instant.now().plusSeconds(1));
        // metadata only: nothing about the child in the listing
        assertThat(listed.body()).doesNotContain("Patient").doesNotContain(placed.messageId());

        HttpResponse<byte[]> downloaded = partner.getBytes(INBOX + "/" + placed.mailboxId());
        assertThat(downloaded.statusCode()).isEqualTo(200);
        assertThat(downloaded.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/pkcs7-mime");
        assertThat(downloaded.headers().firstValue("X-CareBridge-Message-Id")).contains(placed.messageId());
        assertThat(downloaded.headers().firstValue(MailboxController.MAILBOX_MESSAGE_ID_HEADER)).contains(placed.mailboxId().toString());
        // sealed to the partner exactly as for HTTPS: only its own key opens it, and the gateway signed it
        String copy = new String(openAsPartner(downloaded.body()), StandardCharsets.UTF_8);
        assertThat(json(copy).path("id").asText()).isEqualTo(placed.messageId());
        assertThat(new String(downloaded.body(), StandardCharsets.ISO_8859_1)).doesNotContain(placed.messageId());

        assertThat(recipientState(placed)).isEqualTo("DELIVERED");
        awaitLedger(placed, "DISCLOSED");
        assertThat(jdbc.queryForObject("""
                select reason from audit_entry where tracking_id = ? and kind = 'DISCLOSED' and recipient = ?""",
                String.class, placed.trackingId().toString(), MAILBOX_PARTNER))
                .contains("cms-sealed").contains("downloaded from its mailbox");

        // a second download is the same copy, and not a second disclosure
        assertThat(partner.getBytes(INBOX + "/" + placed.mailboxId()).body()).isEqualTo(downloaded.body());

        HttpResponse<String> acknowledged = partner.put(INBOX + "/" + placed.mailboxId() + "/status/acknowledged", "text/plain", new byte[0]);
        assertThat(acknowledged.statusCode()).isEqualTo(200);
        assertThat(json(acknowledged.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(itemOf(json(partner.get(INBOX + "?size=500").body()), placed.mailboxId())).isNull();
        assertThat(partner.getBytes(INBOX + "/" + placed.mailboxId()).statusCode()).isEqualTo(404);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ledger(placed)).containsSubsequence(
                "MAILBOX_DEPOSITED:gateway", "MAILBOX_DOWNLOADED:" + MAILBOX_PARTNER, "MAILBOX_DOWNLOADED:" + MAILBOX_PARTNER,
                "MAILBOX_ACKNOWLEDGED:" + MAILBOX_PARTNER));
        assertThat(ledgerKinds(placed).stream().filter("DISCLOSED"::equals).count()).isEqualTo(1);
        // the listing is in the ledger too, and no ledger entry about the mailbox carries the child's identity
        assertThat(jdbc.queryForObject("select count(*) from audit_entry where kind = 'MAILBOX_LISTED' and actor = ?",
                Long.class, MAILBOX_PARTNER)).isPositive();
        assertThat(jdbc.queryForObject("""
                select count(*) from audit_entry where kind like 'MAILBOX_%' and (reason like ? or outcome like ?)""",
                Long.class, "%" + placed.nhsNumber() + "%", "%" + placed.nhsNumber() + "%")).isZero();
    }

    @Test
    void aPartnerSeesOnlyItsOwnMailbox() throws Exception {
        Placed placed = placeIntoPeterborough();

        // a partner whose copies are posted has no mailbox; another's message id is not found, and changes nothing
        assertThat(as("cs-norfolk").get(INBOX).statusCode()).isEqualTo(404);
        HttpResponse<String> other = as("cs-norfolk").get(INBOX + "/" + placed.mailboxId());
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(json(other.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(as("cs-norfolk").put(INBOX + "/" + placed.mailboxId() + "/status/acknowledged", "text/plain", new byte[0])
                .statusCode()).isEqualTo(404);
        // even a mailbox partner finds only its own messages
        Partner otherMailbox = new Partner("cs-norfolk", "Norfolk", null, "E10000020",
                new PartnerEndpoint(null, Transport.MAILBOX, "fhir-json"), null);
        assertThat(mailbox.download(otherMailbox, placed.mailboxId())).isInstanceOf(Mailbox.Missing.class);
        assertThat(mailbox.acknowledge(otherMailbox, placed.mailboxId())).isEqualTo(Mailbox.Acknowledgement.NOT_FOUND);
        assertThat(mailbox.inbox(otherMailbox, 0, 500).messages()).extracting(Mailbox.Entry::id).doesNotContain(placed.mailboxId());

        assertThat(recipientState(placed)).isEqualTo("IN_MAILBOX");
        assertThat(itemOf(json(as(MAILBOX_PARTNER).get(INBOX + "?size=500").body()), placed.mailboxId())).isNotNull();
        // no certificate at all: refused before anything is looked up
        assertThat(PartnerClient.anonymous(PKI.caCertificate(), baseUrl()).get(INBOX).statusCode()).isEqualTo(401);
    }

    @Test
    void badRequestsAreRefusedAsOperationOutcomesAndChangeNothing() throws Exception {
        Placed placed = placeIntoPeterborough();
        PartnerClient partner = as(MAILBOX_PARTNER);

        for (String query : List.of("?size=0", "?size=501", "?page=-1", "?page=abc", "?size=1.5")) {
            HttpResponse<String> refused = partner.get(INBOX + query);
            assertThat(refused.statusCode()).as(query).isEqualTo(400);
            assertThat(json(refused.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        }
        assertThat(partner.get(INBOX + "/not-a-message-id").statusCode()).isEqualTo(404);
        assertThat(partner.get(INBOX + "/" + UUID.randomUUID()).statusCode()).isEqualTo(404);

        // acknowledging what was never downloaded is not a receipt: refused, and the message stays
        HttpResponse<String> early = partner.put(INBOX + "/" + placed.mailboxId() + "/status/acknowledged", "text/plain", new byte[0]);
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(json(early.body()).path("issue").path(0).path("diagnostics").asText()).contains("Download this message");
        assertThat(itemOf(json(partner.get(INBOX + "?size=500").body()), placed.mailboxId())).isNotNull();
        assertThat(recipientState(placed)).isEqualTo("IN_MAILBOX");
    }

    @Test
    void pagingWalksTheInboxOldestFirst() throws Exception {
        Placed first = placeIntoPeterborough();
        Placed second = placeIntoPeterborough();
        PartnerClient partner = as(MAILBOX_PARTNER);

        JsonNode all = json(partner.get(INBOX + "?size=500").body());
        long total = all.path("total").asLong();
        assertThat(total).isGreaterThanOrEqualTo(2);
        List<String> paged = new ArrayList<>();
        for (int page = 0; page * 1 < total; page++) {
            JsonNode one = json(partner.get(INBOX + "?size=1&page=" + page).body());
            assertThat(one.path("messages")).hasSize(1);
            assertThat(one.path("page").asInt()).isEqualTo(page);
            paged.add(one.path("messages").path(0).path("id").asText());
        }
        List<String> listed = new ArrayList<>();
        all.path("messages").forEach(m -> listed.add(m.path("id").asText()));
        assertThat(paged).isEqualTo(listed);
        assertThat(paged.indexOf(first.mailboxId().toString())).isLessThan(paged.indexOf(second.mailboxId().toString()));
        assertThat(json(partner.get(INBOX + "?size=1&page=" + total).body()).path("messages")).isEmpty();
    }

    @Test
    void aMessageNeverDownloadedExpiresAndItsSenderGetsANonDeliveryReport() throws Exception {
        Placed placed = placeIntoPeterborough();
        Instant deposited = jdbc.queryForObject("select deposited_at from mailbox_message where delivery_id = ?",
                java.sql.Timestamp.class, placed.mailboxId()).toInstant();
        assertThat(mailbox.expireAfter()).isEqualTo(Duration.ofDays(5));

        // not yet: a day short of the configured five
        mailbox.expire(deposited.plus(Duration.ofDays(4)));
        assertThat(recipientState(placed)).isEqualTo("IN_MAILBOX");

        Mailbox.Expiry expiry = mailbox.expire(deposited.plus(Duration.ofDays(5)).plusSeconds(1));
        assertThat(expiry.nonDelivered()).isPositive();
        assertThat(as(MAILBOX_PARTNER).getBytes(INBOX + "/" + placed.mailboxId()).statusCode()).isEqualTo(404);

        // the non-delivery report: where the sender reads its record, as the sender only
        JsonNode recipient = recipient(json(as("cs-suffolk").get("/records/" + placed.trackingId()).body()), MAILBOX_PARTNER);
        assertThat(recipient.path("state").asText()).isEqualTo("EXPIRED");
        assertThat(recipient.path("lastError").asText()).contains("non-delivery").contains("PT120H");
        awaitLedger(placed, "MAILBOX_EXPIRED");
        assertThat(jdbc.queryForMap("select outcome, reason from audit_entry where tracking_id = ? and kind = 'MAILBOX_EXPIRED'",
                placed.trackingId().toString()))
                .containsEntry("outcome", "non-delivery")
                .hasEntrySatisfying("reason", r -> assertThat((String) r).contains("cs-suffolk"));
        assertThat(ledgerKinds(placed)).doesNotContain("DISCLOSED");
    }

    @Test
    void aMessageDownloadedButNotAcknowledgedLeavesWithoutANonDeliveryReport() throws Exception {
        Placed placed = placeIntoPeterborough();
        assertThat(as(MAILBOX_PARTNER).getBytes(INBOX + "/" + placed.mailboxId()).statusCode()).isEqualTo(200);
        Instant deposited = jdbc.queryForObject("select deposited_at from mailbox_message where delivery_id = ?",
                java.sql.Timestamp.class, placed.mailboxId()).toInstant();

        mailbox.expire(deposited.plus(Duration.ofDays(6)));

        assertThat(jdbc.queryForObject("select count(*) from mailbox_message where delivery_id = ?", Long.class, placed.mailboxId())).isZero();
        assertThat(recipientState(placed)).isEqualTo("DELIVERED");
        awaitLedger(placed, "MAILBOX_EXPIRED");
        assertThat(jdbc.queryForObject("select outcome from audit_entry where tracking_id = ? and kind = 'MAILBOX_EXPIRED'",
                String.class, placed.trackingId().toString())).isEqualTo("expired-unacknowledged");
    }

    @Test
    void depthAndOldestAgeAreGaugedPerPartner() throws Exception {
        Placed placed = placeIntoPeterborough();
        mailboxMetrics.refresh();
        long waiting = jdbc.queryForObject("select count(*) from mailbox_message where recipient = ?", Long.class, MAILBOX_PARTNER);
        assertThat(gauge("carebridge.mailbox.depth")).isEqualTo(waiting).isPositive();
        assertThat(gauge("carebridge.mailbox.oldest.age")).isGreaterThanOrEqualTo(0);
        assertThat(meters.get("carebridge.mailbox.depth").gauges()).allSatisfy(g ->
                // the partner id, besides the gateway's common application tag: nothing about any message
                assertThat(g.getId().getTags()).extracting(t -> t.getKey()).contains("partner").isSubsetOf("application", "partner"));

        PartnerClient partner = as(MAILBOX_PARTNER);
        partner.getBytes(INBOX + "/" + placed.mailboxId());
        partner.put(INBOX + "/" + placed.mailboxId() + "/status/acknowledged", "text/plain", new byte[0]);
        assertThat(gauge("carebridge.mailbox.depth")).isEqualTo(waiting - 1);
        // a partner whose copies are posted has no mailbox gauge
        assertThat(meters.find("carebridge.mailbox.depth").tag("partner", "cs-norfolk").gauge()).isNull();
    }

    @Test
    void theDemoPartnerOnlyPullsItsMailbox() throws Exception {
        Placed placed = placeIntoPeterborough();

        assertThat(demoPuller.pull()).isPositive();

        // it opened its copy with its own key and acknowledged it
        assertThat(inboxFile(MAILBOX_PARTNER, placed.messageId())).exists();
        assertThat(json(Files.readString(inboxFile(MAILBOX_PARTNER, placed.messageId()))).path("id").asText()).isEqualTo(placed.messageId());
        assertThat(jdbc.queryForObject("select count(*) from mailbox_message where delivery_id = ?", Long.class, placed.mailboxId())).isZero();
        assertThat(recipientState(placed)).isEqualTo("DELIVERED");
    }

    @Test
    void aCopyWaitingWhenItsRecordIsErasedIsShreddedAndWithdrawn() throws Exception {
        Placed placed = placeIntoPeterborough();
        jdbc.update("update intake_record set retain_until = ? where tracking_id = ?",
                java.sql.Timestamp.from(Instant.now().minusSeconds(1)), placed.trackingId());
        assertThat(eraser.eraseDue(Instant.now())).isPositive();

        // the data key is gone, so the waiting copy cannot be opened by anyone: it is withdrawn, not served
        HttpResponse<String> gone = as(MAILBOX_PARTNER).get(INBOX + "/" + placed.mailboxId());
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(json(gone.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(jdbc.queryForObject("select count(*) from mailbox_message where delivery_id = ?", Long.class, placed.mailboxId())).isZero();
        assertThat(recipientState(placed)).isEqualTo("ERASED");
        awaitLedger(placed, "MAILBOX_EXPIRED");
        assertThat(ledgerKinds(placed)).doesNotContain("DISCLOSED");
    }

    @Test
    void theMailboxRouteTemplateDepositsTheSameWay() throws Exception {
        String standard = "deliver-" + MAILBOX_PARTNER;
        String templated = "deliver-mailbox-template-" + MAILBOX_PARTNER;
        camel.getRouteController().stopRoute(standard);
        try {
            TemplatedRouteBuilder.builder(camel, MailboxDeliveryTemplate.TEMPLATE_ID).routeId(templated)
                    .parameter("partner", MAILBOX_PARTNER).parameter("queue", DeliveryDispatcher.queueFor(MAILBOX_PARTNER)).add();
            camel.getRouteController().startRoute(templated);

            Placed placed = placeIntoPeterborough();
            assertThat(recipientState(placed)).isEqualTo("IN_MAILBOX");
            assertThat(camel.getRoute(templated).getEndpoint().getEndpointUri()).contains(DeliveryDispatcher.queueFor(MAILBOX_PARTNER));
            assertThat(jdbc.queryForObject("select protection from mailbox_message where delivery_id = ?", String.class,
                    placed.mailboxId())).startsWith("cms-sealed");
        } finally {
            camel.getRouteController().stopRoute(templated);
            camel.removeRoute(templated);
            camel.getRouteController().startRoute(standard);
        }
    }

    // --- support --------------------------------------------------------------------------------------------------------

    record Placed(String messageId, UUID trackingId, UUID mailboxId, String nhsNumber) {
    }

    /** A Suffolk child placed in Peterborough: its receiving children's services is the mailbox partner. */
    private Placed placeIntoPeterborough() throws Exception {
        String messageId = Examples.newMessageId();
        String nhsNumber = Examples.freshNhsNumber();
        String body = Examples.placementNotification(messageId)
                .replace("\"valueCode\": \"E10000020\"", "\"valueCode\": \"E06000031\"")
                .replace("9434765919", nhsNumber);
        assertThat(body).contains("E06000031");
        HttpResponse<String> accepted = as("cs-suffolk").processMessage(Examples.bytes(body));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        UUID trackingId = UUID.fromString(accepted.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow());
        UUID deliveryId = jdbc.queryForObject("select delivery_id from delivery where tracking_id = ? and recipient = ?",
                UUID.class, trackingId, MAILBOX_PARTNER);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.queryForObject("select count(*) from mailbox_message where delivery_id = ?", Long.class, deliveryId) == 1);
        return new Placed(messageId, trackingId, deliveryId, nhsNumber);
    }

    private String recipientState(Placed placed) throws Exception {
        HttpResponse<String> status = as("cs-suffolk").get("/records/" + placed.trackingId());
        assertThat(status.statusCode()).isEqualTo(200);
        return recipient(json(status.body()), MAILBOX_PARTNER).path("state").asText();
    }

    private static JsonNode itemOf(JsonNode page, UUID id) {
        for (JsonNode m : page.path("messages")) {
            if (id.toString().equals(m.path("id").asText())) {
                return m;
            }
        }
        return null;
    }

    private List<String> ledger(Placed placed) {
        return jdbc.queryForList("select kind || ':' || actor from audit_entry where tracking_id = ? order by seq",
                String.class, placed.trackingId().toString());
    }

    private List<String> ledgerKinds(Placed placed) {
        return jdbc.queryForList("select kind from audit_entry where tracking_id = ? and recipient = ? order by seq",
                String.class, placed.trackingId().toString(), MAILBOX_PARTNER);
    }

    private void awaitLedger(Placed placed, String kind) {
        await().atMost(Duration.ofSeconds(20)).until(() -> ledgerKinds(placed).contains(kind));
    }

    private double gauge(String name) {
        return meters.get(name).tag("partner", MAILBOX_PARTNER).gauge().value();
    }

    private byte[] openAsPartner(byte[] sealed) {
        List<KeyMaterial> keys = List.of(
                KeyMaterial.load(PKI.partnerEncryptionCertificate(MAILBOX_PARTNER), PKI.partnerEncryptionKey(MAILBOX_PARTNER)));
        SealOpener opener = new SealOpener(keys, () -> {
            try {
                return org.carebridge.security.crypto.Pem.readCertificates(PKI.caCertificate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, List::of, Clock.systemUTC());
        return opener.openFromOneOf(sealed, gatewayKeys.signingCertificates()).content();
    }
}
