package org.carebridge.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The admin API: what the console's operators and administrators do, scripted, refused without the right role. */
class AdminApiTest extends GatewayTest {

    @org.springframework.beans.factory.annotation.Autowired
    org.carebridge.security.partner.PartnerRegistry registry;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.core.env.Environment environment;

    private ConsoleUsers.Api api(String user) throws Exception {
        return ConsoleUsers.Api.as(DATA_DIR, user, PKI.caCertificate(), baseUrl());
    }

    @org.junit.jupiter.api.AfterEach
    void partnersBackOnline() {
        inbox("vs-suffolk").setOnline(true);
    }

    @Test
    void anOperatorResendsADeadLetterOnceThePartnerIsBackAndItArrivesWithItsMessageId() throws Exception {
        String messageId = Examples.newMessageId();
        String deliveryId = deadLetterFor("vs-suffolk", messageId);

        JsonNode listed = json(api("operator").get("/admin/api/dead-letters?partner=vs-suffolk&limit=500").body());
        assertThat(listed.path("items").findValuesAsText("deliveryId")).contains(deliveryId);
        JsonNode item = find(listed.path("items"), deliveryId);
        assertThat(item.path("attempts").asInt()).isEqualTo(6);
        assertThat(item.path("reason").asText()).contains("503");

        var auditor = api("auditor").post("/admin/api/dead-letters/redeliver", "{\"deliveryIds\":[\"" + deliveryId + "\"],\"reason\":\"back\"}");
        assertThat(auditor.statusCode()).isEqualTo(403);
        var noReason = api("operator").post("/admin/api/dead-letters/redeliver", "{\"deliveryIds\":[\"" + deliveryId + "\"]}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(json(noReason.body()).path("detail").asText()).isEqualTo("Enter a reason");
        var notJson = api("operator").post("/admin/api/dead-letters/redeliver", "deliveryIds=" + deliveryId);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(state(deliveryId)).isEqualTo("DEAD_LETTERED");

        inbox("vs-suffolk").accept(messageId);
        var sent = api("operator").post("/admin/api/dead-letters/redeliver",
                "{\"deliveryIds\":[\"" + deliveryId + "\"],\"reason\":\"virtual school endpoint restored\"}");
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(json(sent.body()).path("redelivered").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("vs-suffolk", messageId)));
        await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(state(deliveryId)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList("""
                select actor || ' ' || actor_role from audit_entry where kind = 'REDELIVERED' and recipient = 'vs-suffolk'
                and tracking_id = (select tracking_id::text from delivery where delivery_id = ?::uuid)""", String.class, deliveryId))
                .containsExactly("operator operator"));
        // the reason stays with the action, not in the ledger
        assertThat(jdbc.queryForObject("select count(*) from audit_entry where reason like '%restored%'", Long.class)).isZero();
        var again = api("operator").post("/admin/api/dead-letters/redeliver", "{\"deliveryIds\":[\"" + deliveryId + "\"],\"reason\":\"twice\"}");
        assertThat(json(again.body()).path("redelivered").asInt()).isZero();
    }

    @Test
    void anAdminScriptAddsAPartnerWithADevelopmentCertificateSendsAnExampleAndRetiresIt() throws Exception {
        String id = "vs-api-dev-" + Long.toHexString(System.nanoTime() % 0xFFFFF);
        String body = "{\"id\":\"" + id + "\",\"name\":\"Scripted school\",\"kind\":\"virtual-school\",\"area\":\"E10000029\","
                + "\"endpointUrl\":\"https://localhost:" + DEMO_PARTNERS_PORT + "/partners/" + id + "\",\"transport\":\"https\",\"format\":\"fhir-json\",\"reason\":\"scripted\"}";
        // without a certificate and without asking for one: refused, nothing issued
        var refused = api("admin").post("/admin/api/partners", body);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Files.exists(PKI.partnerCertificate(id))).isFalse();
        var operator = api("operator").post("/admin/api/partners?issueDevelopmentCertificate=true", body);
        assertThat(operator.statusCode()).isEqualTo(403);

        var created = api("admin").post("/admin/api/partners?issueDevelopmentCertificate=true", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode issued = json(created.body()).path("developmentCertificate");
        assertThat(issued.path("devOnly").asBoolean()).isTrue();
        String password = issued.path("pkcs12Password").asText();
        assertThat(password).hasSize(20);
        try {
            // the keys are for the admin only
            assertThat(api("operator").get(issued.path("pem").asText()).statusCode()).isEqualTo(403);
            assertThat(api("auditor").get(issued.path("pkcs12").asText()).statusCode()).isEqualTo(403);
            var pem = api("admin").get(issued.path("pem").asText());
            assertThat(pem.statusCode()).isEqualTo(200);
            assertThat(pem.body()).contains("PRIVATE KEY", "BEGIN CERTIFICATE");
            var p12 = ConsoleUsers.Api.as(DATA_DIR, "admin", PKI.caCertificate(), baseUrl()).http().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + issued.path("pkcs12").asText()))
                            .header("Authorization", api("admin").authorization()).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(new java.io.ByteArrayInputStream(p12.body()), password.toCharArray());
            assertThat(java.util.Collections.list(store.aliases())).containsExactlyInAnyOrder("tls", "encryption");
            assertThat(api("admin").get("/admin/api/partners/vs-suffolk/development-certificate.pem").statusCode()).isEqualTo(404);

            var tested = api("admin").post("/admin/api/partners/" + id + "/connection-test", "{}");
            assertThat(json(tested.body()).path("passed").asBoolean()).as(tested.body()).isTrue();

            var unknown = api("admin").post("/admin/api/demo/examples/send", "{\"example\":\"../partners.yaml\"}");
            assertThat(unknown.statusCode()).isEqualTo(400);
            var sent = api("admin").post("/admin/api/demo/examples/send", "{\"example\":\"placement-notification.json\"}");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            assertThat(json(sent.body()).path("recipients").toString()).contains("\"" + id + "\"");
            assertThat(json(sent.body()).path("sender").asText()).isEqualTo("cs-suffolk");
            String trackingId = json(sent.body()).path("trackingId").asText();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    json(api("admin").get("/admin/api/demo/records/" + trackingId).body()).toString())
                    .contains("\"recipient\":\"" + id + "\",\"state\":\"DELIVERED\""));
        } finally {
            assertThat(api("admin").post("/admin/api/partners/" + id + "/retire", "{\"reason\":\"test over\"}").statusCode()).isEqualTo(204);
        }
    }

    @Test
    void aBulkResendNeedsConfirmation() throws Exception {
        String messageId = Examples.newMessageId();
        String deliveryId = deadLetterFor("vs-suffolk", messageId);
        inbox("vs-suffolk").accept(messageId);
        var unconfirmed = api("operator").post("/admin/api/dead-letters/redeliver-matching", "{\"partner\":\"vs-suffolk\",\"reason\":\"back\"}");
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(json(unconfirmed.body()).path("matching").asLong()).isPositive();
        assertThat(state(deliveryId)).isEqualTo("DEAD_LETTERED");
        var confirmed = api("operator").post("/admin/api/dead-letters/redeliver-matching",
                "{\"partner\":\"vs-suffolk\",\"reason\":\"back\",\"confirm\":true}");
        assertThat(confirmed.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("vs-suffolk", messageId)));
    }

    @Test
    void aSuspendedPartnersCopiesWaitAndItsRecordsAreRefusedUntilItIsResumed() throws Exception {
        assertThat(api("operator").post("/admin/api/partners/health-norfolk/suspend", "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(api("admin").post("/admin/api/partners/health-norfolk/suspend", "{}").statusCode()).isEqualTo(400);
        assertThat(api("admin").post("/admin/api/partners/no-such-partner/suspend", "{\"reason\":\"x\"}").statusCode()).isEqualTo(400);
        var suspended = api("admin").post("/admin/api/partners/health-norfolk/suspend", "{\"reason\":\"certificate being replaced\"}");
        try {
            assertThat(suspended.statusCode()).isEqualTo(200);
            assertThat(json(suspended.body()).path("suspended").asBoolean()).isTrue();
            assertThat(json(suspended.body()).path("delivering").asBoolean()).isFalse();

            var refused = as("health-norfolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("OperationOutcome").contains("suspended");

            String messageId = Examples.newMessageId();
            assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("cs-norfolk", messageId)));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> !Files.exists(inboxFile("health-norfolk", messageId)));
            assertThat(json(api("auditor").get("/admin/api/queues").body()).path("health-norfolk").path("waiting").asLong()).isPositive();

            var resumed = api("admin").post("/admin/api/partners/health-norfolk/resume", "{\"reason\":\"new certificate installed\"}");
            assertThat(resumed.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("health-norfolk", messageId)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                    "select outcome from audit_entry where kind = 'CONFIG_CHANGED' and actor = 'admin' and recipient = 'health-norfolk' order by seq",
                    String.class)).containsSubsequence("partner-suspended", "partner-resumed"));
        } finally {
            api("admin").post("/admin/api/partners/health-norfolk/resume", "{\"reason\":\"test over\"}");
        }
    }

    @Test
    void theApiIsDescribedAndClosedToStrangers() throws Exception {
        var docs = api("auditor").get("/admin/api/openapi");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/admin/api/dead-letters/redeliver").doesNotContain("/ig/");
        var anonymous = java.net.http.HttpClient.newBuilder().sslContext(org.carebridge.gateway.support.PartnerClient.tls(null, null, PKI.caCertificate()))
                .build().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/admin/api/partners")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(api("ig-officer").get("/admin/api/partners").statusCode()).isEqualTo(403);
    }

    @Test
    void anAdminAddsChangesAndRetiresAPartnerAndEveryBadRequestChangesNothing() throws Exception {
        String id = "oversight-api-" + Long.toHexString(System.nanoTime());
        PKI.ensure(java.util.List.of(id));
        String tls = Files.readString(PKI.partnerCertificate(id));
        String encryption = Files.readString(PKI.partnerEncryptionCertificate(id));
        String url = "https://localhost:" + DEMO_PARTNERS_PORT + "/partners/" + id;
        long rowsBefore = jdbc.queryForObject("select count(*) from registered_partner", Long.class);
        long changesBefore = configChanges();

        var missing = api("admin").post("/admin/api/partners", "{}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing.body()).path("problems").findValuesAsText("field"))
                .contains("id", "name", "kind", "area", "endpointUrl", "tlsCertificate", "reason");
        var taken = api("admin").post("/admin/api/partners", body("cs-suffolk", "Another", url, tls, encryption));
        assertThat(taken.statusCode()).isEqualTo(400);
        assertThat(json(taken.body()).path("detail").asText()).contains("The partner id cs-suffolk is already taken");
        var plainHttp = api("admin").post("/admin/api/partners", body(id, "Oversight", "http://localhost/partners/" + id, tls, encryption));
        assertThat(json(plainHttp.body()).path("problems").get(0).path("field").asText()).isEqualTo("endpointUrl");
        assertThat(json(plainHttp.body()).path("detail").asText()).contains("must be an HTTPS address");
        var wrongUse = api("admin").post("/admin/api/partners", body(id, "Oversight", url, encryption, encryption));
        assertThat(json(wrongUse.body()).path("detail").asText()).contains("does not allow digital signatures");
        var someoneElses = api("admin").post("/admin/api/partners", body(id, "Oversight", url,
                Files.readString(PKI.partnerCertificate("cs-suffolk")), encryption));
        assertThat(json(someoneElses.body()).path("detail").asText()).contains("already identifies the partner cs-suffolk");
        assertThat(api("operator").post("/admin/api/partners", body(id, "Oversight", url, tls, encryption)).statusCode()).isEqualTo(403);
        assertThat(jdbc.queryForObject("select count(*) from registered_partner", Long.class)).isEqualTo(rowsBefore);
        assertThat(configChanges()).isEqualTo(changesBefore);
        assertThat(registry.byId(id)).isEmpty();

        try {
            var created = api("admin").post("/admin/api/partners", body(id, "Oversight board", url, tls, encryption));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(json(created.body()).path("delivering").asBoolean()).isTrue();
            assertThat(registry.byId(id)).hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("Oversight board"));
            assertThat(registry.byCertificate(org.carebridge.security.crypto.Pem.readCertificates(tls).get(0))).isPresent();
            assertThat(jdbc.queryForObject("select tls_pem from registered_partner where partner_id = ?", String.class, id)).contains("BEGIN CERTIFICATE");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ledger(id))
                    .anySatisfy(e -> assertThat(e).startsWith("admin admin partner-created").contains("before=none after=name: Oversight board")));

            var insecure = api("admin").post("/admin/api/partners/" + id, "{\"endpointUrl\":\"ftp://elsewhere\",\"reason\":\"move\"}");
            assertThat(insecure.statusCode()).isEqualTo(400);
            var renamed = api("admin").post("/admin/api/partners/" + id, "{\"name\":\"Oversight board (East)\",\"reason\":\"renamed\"}");
            assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
            assertThat(json(renamed.body()).path("name").asText()).isEqualTo("Oversight board (East)");
            assertThat(registry.byId(id).orElseThrow().endpoint().url()).hasToString(url);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ledger(id)).anySatisfy(e -> assertThat(e)
                    .startsWith("admin admin partner-changed").contains("changed=name: Oversight board -> Oversight board (East)")));

            // a partner that needs per-child order; anything else is refused and changes nothing
            var unordered = api("admin").post("/admin/api/partners/" + id, "{\"deliveryOrder\":\"by-date\",\"reason\":\"order\"}");
            assertThat(unordered.statusCode()).isEqualTo(400);
            assertThat(json(unordered.body()).path("problems").get(0).path("field").asText()).isEqualTo("deliveryOrder");
            assertThat(registry.byId(id).orElseThrow().copyOrder()).isEqualTo(org.carebridge.security.partner.CopyOrder.ANY);
            var ordered = api("admin").post("/admin/api/partners/" + id, "{\"deliveryOrder\":\"per-child\",\"reason\":\"order\"}");
            assertThat(ordered.statusCode()).as(ordered.body()).isEqualTo(200);
            assertThat(json(ordered.body()).path("deliveryOrder").asText()).isEqualTo("per-child");
            assertThat(registry.byId(id).orElseThrow().copyOrder()).isEqualTo(org.carebridge.security.partner.CopyOrder.PER_CHILD);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ledger(id)).anySatisfy(e -> assertThat(e)
                    .startsWith("admin admin partner-changed").contains("changed=delivery-order: any -> per-child")));

            // a renewed TLS certificate identifies the partner at once, and the old one no longer does
            java.nio.file.Path renewed = DATA_DIR.resolve(id + "-renewed.crt.pem");
            PKI.issue(id, org.carebridge.security.crypto.DevPki.Use.TLS_CLIENT, org.carebridge.security.crypto.DevPki.ecKeyPair(),
                    java.time.Instant.now().minus(Duration.ofHours(1)), java.time.Instant.now().plus(Duration.ofDays(20)), renewed,
                    DATA_DIR.resolve(id + "-renewed.key.pem"));
            var unfit = api("admin").post("/admin/api/partners/" + id + "/certificates", JSON.writeValueAsString(JSON.createObjectNode()
                    .put("use", "tls").put("pem", encryption).put("reason", "renewal")));
            assertThat(unfit.statusCode()).isEqualTo(400);
            assertThat(json(unfit.body()).path("detail").asText()).contains("does not allow digital signatures");
            var uploaded = api("admin").post("/admin/api/partners/" + id + "/certificates", JSON.writeValueAsString(JSON.createObjectNode()
                    .put("use", "tls").put("pem", Files.readString(renewed)).put("reason", "renewal")));
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
            var renewedCertificate = org.carebridge.security.crypto.Pem.readCertificates(renewed).get(0);
            assertThat(registry.byCertificate(renewedCertificate)).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo(id));
            assertThat(registry.byCertificate(org.carebridge.security.crypto.Pem.readCertificates(tls).get(0))).isEmpty();
            assertThat(jdbc.queryForObject("select kind from console_action where summary = ? order by created_at desc limit 1",
                    String.class, "partner=" + id)).isEqualTo("PARTNER_CERTIFICATE");
            JsonNode listed = null;
            for (JsonNode c : json(api("auditor").get("/admin/api/certificates").body())) {
                if (c.path("owner").asText().equals(id) && c.path("use").asText().equals("partner TLS")) {
                    listed = c;
                }
            }
            assertThat(listed).isNotNull();
            assertThat(listed.path("daysToExpiry").asLong()).isBetween(19L, 20L);
            assertThat(listed.path("held").asBoolean()).isTrue();

            // what another node writes reaches this one
            jdbc.update("update registered_partner set document = replace(document, 'Oversight board (East)', 'Changed elsewhere'),"
                    + " version = nextval('registered_partner_version') where partner_id = ?", id);
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.byId(id).orElseThrow().name().equals("Changed elsewhere"));

            var export = api("auditor").get("/admin/api/partners/export");
            assertThat(export.statusCode()).isEqualTo(200);
            var exported = new org.carebridge.security.partner.PartnerRegistryLoader(environment::getProperty).read("export", export.body());
            assertThat(exported).extracting(org.carebridge.security.partner.Partner::id).contains("cs-suffolk", "health-norfolk", id);
            assertThat(export.body()).contains("certificate-pem").contains("${carebridge.pki.dir}/partners/cs-suffolk.crt.pem");

            // the export is also the import format: a changed name comes back in; a broken entry refuses the whole document
            var yaml = java.util.Map.of("X-Reason", "bulk rename");
            var broken = api("admin").post("/admin/api/partners/import", "application/yaml",
                    export.body().replace("Changed elsewhere", "Imported name").replace("area: E10000021", "area: nowhere"), yaml);
            assertThat(broken.statusCode()).isEqualTo(400);
            assertThat(broken.body()).contains("area 'nowhere' is not a local authority code");
            assertThat(registry.byId(id).orElseThrow().name()).isEqualTo("Changed elsewhere");
            var imported = api("admin").post("/admin/api/partners/import", "application/yaml",
                    export.body().replace("Changed elsewhere", "Imported name"), yaml);
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
            assertThat(json(imported.body()).path("changed").toString()).isEqualTo("[\"" + id + "\"]");
            assertThat(registry.byId(id).orElseThrow().name()).isEqualTo("Imported name");

            JsonNode certificates = json(api("auditor").get("/admin/api/certificates").body());
            java.util.List<Long> days = new java.util.ArrayList<>();
            certificates.forEach(c -> days.add(c.path("daysToExpiry").asLong()));
            assertThat(days).isSorted();
            assertThat(certificates.findValuesAsText("owner")).contains("carebridge-gateway", "cs-suffolk", id);
        } finally {
            api("admin").post("/admin/api/partners/" + id + "/retire", "{\"reason\":\"test over\"}");
        }
        assertThat(registry.byId(id)).isEmpty();
        assertThat(api("admin").post("/admin/api/partners", body(id, "Again", url, tls, encryption)).body()).contains("already taken");
    }

    @Test
    void theRegistryIsSeededFromThePartnersFileAndHoldsEachEntryAsText() throws Exception {
        var fromFile = new org.carebridge.security.partner.PartnerRegistryLoader(environment::getProperty)
                .read(org.carebridge.gateway.support.Examples.CONFIG.resolve("partners.yaml"));
        var seeded = jdbc.queryForList("select partner_id from registered_partner where updated_by = 'seed'", String.class);

        assertThat(seeded).containsExactlyInAnyOrderElementsOf(fromFile.stream().map(org.carebridge.security.partner.Partner::id).toList());
        assertThat(jdbc.queryForObject("select document from registered_partner where partner_id = 'cs-suffolk'", String.class))
                .contains("inbound:", "ssda903-csv", "${carebridge.pki.dir}/partners/cs-suffolk.crt.pem");
        assertThat(registry.byId("cs-suffolk").orElseThrow().inbound()).isNotNull();
    }

    private static String body(String id, String name, String url, String tls, String encryption) throws Exception {
        var body = JSON.createObjectNode().put("id", id).put("name", name).put("kind", "oversight").put("area", "E10000021")
                .put("endpointUrl", url).put("transport", "https").put("format", "fhir-json").put("tlsCertificate", tls)
                .put("encryptionCertificate", encryption).put("reason", "new oversight board");
        return JSON.writeValueAsString(body);
    }

    /** Actions and registry changes, each written in the same transaction as its ledger fact. */
    private long configChanges() {
        return jdbc.queryForObject("select (select count(*) from console_action) + (select count(*) from registered_partner_change)", Long.class);
    }

    private java.util.List<String> ledger(String partner) {
        return jdbc.queryForList("select actor || ' ' || actor_role || ' ' || outcome || ' ' || reason from audit_entry "
                + "where kind = 'CONFIG_CHANGED' and recipient = ? order by seq", String.class, partner);
    }

    /** Sends a placement the partner fails on (503) until its copy is dead-lettered; the partner keeps refusing it. */
    String deadLetterFor(String partner, String messageId) throws Exception {
        inbox(partner).refuse(messageId, 503);
        var response = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
        assertThat(response.statusCode()).isEqualTo(202);
        String deliveryId = jdbc.queryForObject("""
                select d.delivery_id::text from delivery d join intake_record r using (tracking_id)
                where r.message_id = ? and d.recipient = ?""", String.class, messageId, partner);
        await().atMost(Duration.ofSeconds(60)).until(() -> "DEAD_LETTERED".equals(state(deliveryId)));
        return deliveryId;
    }

    String state(String deliveryId) {
        return jdbc.queryForObject("select state from delivery where delivery_id = ?::uuid", String.class, deliveryId);
    }

    private static JsonNode find(JsonNode items, String deliveryId) {
        for (JsonNode item : items) {
            if (deliveryId.equals(item.path("deliveryId").asText())) {
                return item;
            }
        }
        throw new AssertionError("no dead letter " + deliveryId);
    }
}
