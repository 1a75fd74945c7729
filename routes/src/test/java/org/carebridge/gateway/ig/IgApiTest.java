package org.carebridge.gateway.ig;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.carebridge.gateway.audit.LedgerWriter;
import org.carebridge.gateway.support.Examples;
import org.carebridge.ledger.VerifierMain;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The information-governance API end to end: the disclosure report and AuditEvent search for a child, override review,
 * the ledger export, who may call it (IG users with HTTP Basic, not partners: 401 without credentials, 403 with only a
 * partner certificate), also at /fhir/AuditEvent, and that reading is itself audited.
 */
class IgApiTest extends GatewayTest {

    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static final String NHS_NUMBER = "9434765919";
    private static final String DECISIONS_AND_DISCLOSURES = "DECIDED,DENIED,OVERRIDDEN,DISCLOSED";

    @Autowired
    LedgerWriter writer;

    private IgClient officer;
    private IgClient auditor;

    @BeforeEach
    void users() throws Exception {
        Path file = DATA_DIR.resolve("pki/ig-users.dev-only.txt");
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            passwords.load(in);
        }
        officer = IgClient.as("ig-officer", passwords.getProperty("ig-officer"), PKI.caCertificate(), baseUrl());
        auditor = IgClient.as("auditor", passwords.getProperty("auditor"), PKI.caCertificate(), baseUrl());
    }

    @Test
    void theDisclosureReportAndAuditEventsShowWhoWasToldWhatAboutAChild() throws Exception {
        String messageId = Examples.newMessageId();
        HttpResponse<String> accepted = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        String trackingId = location.substring(location.lastIndexOf('/') + 1);
        for (String recipient : new String[]{"cs-norfolk", "health-norfolk", "vs-suffolk"}) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile(recipient, messageId)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where tracking_id = ? and kind = 'DISCLOSED'", Long.class, trackingId) == 3);
        long before = auditReads();

        String identifier = URLEncoder.encode(NHS + "|" + NHS_NUMBER, StandardCharsets.UTF_8);
        HttpResponse<String> report = auditor.get("/ig/disclosure-report?identifier=" + identifier);
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
        assertThat(report.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode body = json(report.body());
        assertThat(body.path("subject").asText()).isEqualTo(NHS + "|*******919").doesNotContain(NHS_NUMBER);
        List<JsonNode> items = new ArrayList<>();
        body.path("items").forEach(i -> {
            if (trackingId.equals(i.path("trackingId").asText())) {
                items.add(i);
            }
        });
        assertThat(items).hasSize(4);
        for (String recipient : new String[]{"cs-norfolk", "health-norfolk", "vs-suffolk"}) {
            JsonNode item = item(items, recipient);
            assertThat(item.path("outcome").asText()).isEqualTo("PERMIT");
            assertThat(item.path("event").asText()).isEqualTo("placement-notification");
            assertThat(item.path("agreement").asText()).isEqualTo("placement-notification");
            assertThat(item.path("agreementVersion").asInt()).isEqualTo(1);
            assertThat(item.path("lawfulBasis").asText()).contains("6(1)(c)");
            assertThat(item.path("disclosedAt").isTextual()).as(item.toString()).isTrue();
            assertThat(item.path("override").isNull()).isTrue();
        }
        JsonNode police = item(items, "police-norfolk");
        assertThat(police.path("outcome").asText()).isEqualTo("DENY");
        assertThat(police.path("reason").asText()).isEqualTo("condition-not-met");
        assertThat(police.path("disclosedAt").isNull()).isTrue();

        HttpResponse<String> csv = officer.get("/ig/disclosure-report?format=csv&identifier=" + identifier);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("trackingId,event,receivedAt,recipient,outcome,reason,agreement");
        List<String> rows = lines.stream().filter(l -> l.startsWith(trackingId)).toList();
        assertThat(rows).hasSize(4);
        assertThat(rows).anySatisfy(r -> assertThat(r).contains(",vs-suffolk,PERMIT,"));
        assertThat(rows).anySatisfy(r -> assertThat(r).contains(",police-norfolk,DENY,condition-not-met,"));
        HttpResponse<String> csvByAccept = officer.get("/ig/disclosure-report?identifier=" + identifier, "text/csv");
        assertThat(csvByAccept.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");

        HttpResponse<String> search = auditor.get("/ig/AuditEvent?patient.identifier=" + identifier
                + "&date=ge2026-01-01&date=le2099-12-31&entity=" + trackingId + "&subtype=" + DECISIONS_AND_DISCLOSURES);
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertThat(search.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+json");
        JsonNode bundle = json(search.body());
        assertThat(bundle.path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(bundle.path("type").asText()).isEqualTo("searchset");
        assertThat(bundle.path("entry")).hasSize(7); // 3 permits, 1 deny, 3 disclosures
        List<JsonNode> events = new ArrayList<>();
        bundle.path("entry").forEach(e -> events.add(e.path("resource")));
        assertThat(events).allSatisfy(e -> assertThat(e.path("resourceType").asText()).isEqualTo("AuditEvent"));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("type").path("code").asText()).isEqualTo("110106");
            assertThat(e.path("type").path("system").asText()).isEqualTo("http://dicom.nema.org/resources/ontology/DCM");
            assertThat(e.path("outcome").asText()).isEqualTo("0");
            assertThat(e.toString()).contains("\"value\":\"vs-suffolk\"").contains("urn:uuid:" + trackingId)
                    .contains("placement-notification");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("outcome").asText()).isEqualTo("4");
            assertThat(e.toString()).contains("police-norfolk").contains("condition-not-met");
        });
        // an ig-officer sees the record's identifiers, decrypted; an auditor only the one searched for
        JsonNode officerView = json(officer.get("/ig/AuditEvent?entity=" + trackingId + "&subtype=" + DECISIONS_AND_DISCLOSURES).body());
        assertThat(officerView.path("entry")).hasSize(7);
        officerView.path("entry").forEach(e -> assertThat(patients(e.path("resource"))).contains(NHS + "|" + NHS_NUMBER));
        JsonNode auditorView = json(auditor.get("/ig/AuditEvent?entity=" + trackingId + "&subtype=" + DECISIONS_AND_DISCLOSURES).body());
        assertThat(auditorView.path("entry")).hasSize(7);
        auditorView.path("entry").forEach(e -> assertThat(patients(e.path("resource"))).isEmpty());
        assertThat(auditorView.toString()).doesNotContain(NHS_NUMBER);
        // the same search at its FHIR path
        HttpResponse<String> fhirPath = officer.get("/fhir/AuditEvent?entity=" + trackingId + "&outcome=4");
        assertThat(fhirPath.statusCode()).as(fhirPath.body()).isEqualTo(200);
        assertThat(fhirPath.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+json");
        assertThat(json(fhirPath.body()).path("entry")).hasSize(1);
        assertThat(json(fhirPath.body()).path("entry").get(0).toString()).contains("police-norfolk");
        JsonNode denies = json(auditor.get("/ig/AuditEvent?entity=" + trackingId + "&outcome=4&agent=police-norfolk").body());
        assertThat(denies.path("entry")).hasSize(1);
        JsonNode otherChild = json(auditor.get("/ig/AuditEvent?entity=" + trackingId + "&patient.identifier="
                + URLEncoder.encode(NHS + "|9000000009", StandardCharsets.UTF_8)).body());
        assertThat(otherChild.path("entry")).isEmpty();

        // every read is in the ledger, and no read names the child
        await().atMost(Duration.ofSeconds(20)).until(() -> auditReads() >= before + 9);
        assertThat(jdbc.queryForList("select coalesce(reason, '') from audit_entry where kind = 'AUDIT_READ'", String.class))
                .noneMatch(r -> r.contains(NHS_NUMBER));
        assertThat(jdbc.queryForList("select actor from audit_entry where kind = 'AUDIT_READ'", String.class))
                .contains("ig-officer", "auditor");
    }

    @Test
    void aMalformedIdentifierIsA400OperationOutcome() throws Exception {
        for (String path : new String[]{"/ig/disclosure-report?identifier=9434765919",
                "/ig/disclosure-report?identifier=" + URLEncoder.encode(NHS + "|1234567890", StandardCharsets.UTF_8),
                "/ig/AuditEvent?patient.identifier=" + URLEncoder.encode("urn:unknown|x", StandardCharsets.UTF_8),
                "/ig/AuditEvent?date=gx2026", "/ig/AuditEvent?entity=not-a-uuid"}) {
            HttpResponse<String> response = auditor.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(json(response.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(response.body()).doesNotContain("1234567890");
        }
    }

    @Test
    void anOverrideIsReviewedOnceAndOnlyByAnIgOfficer() throws Exception {
        String childId = "SCC-" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        String messageId = Examples.newMessageId();
        String message = Examples.withMessageId(Files.readString(Examples.CONFIG.resolve(
                "examples/liaison-diversion-health-summary-override.json")).replace("SCC-000123", childId), messageId);
        HttpResponse<String> accepted = as("health-norfolk").processMessage(Examples.bytes(message));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        String trackingId = location.substring(location.lastIndexOf('/') + 1);

        HttpResponse<String> pending = auditor.get("/ig/overrides?status=PENDING");
        assertThat(pending.statusCode()).isEqualTo(200);
        // one override per recipient it let through: youth justice, police custody, the area's children's services
        JsonNode override = null;
        java.util.List<String> recipients = new java.util.ArrayList<>();
        for (JsonNode o : json(pending.body())) {
            if (trackingId.equals(o.path("trackingId").asText())) {
                recipients.add(o.path("recipient").asText());
                if ("yjs-norfolk".equals(o.path("recipient").asText())) {
                    override = o;
                }
            }
        }
        assertThat(recipients).containsExactlyInAnyOrder("yjs-norfolk", "police-norfolk", "cs-norfolk");
        assertThat(override).as(pending.body()).isNotNull();
        assertThat(override.path("status").asText()).isEqualTo("PENDING");
        String reviewPath = "/ig/overrides/" + override.path("id").asText() + "/review";
        String review = "{\"decision\":\"agreed\",\"reason\":\"Safeguarding threshold met; proportionate.\"}";

        assertThat(auditor.post(reviewPath, review).statusCode()).isEqualTo(403);
        HttpResponse<String> reviewed = officer.post(reviewPath, review);
        assertThat(reviewed.statusCode()).as(reviewed.body()).isEqualTo(200);
        assertThat(json(reviewed.body()).path("status").asText()).isEqualTo("AGREED");
        HttpResponse<String> again = officer.post(reviewPath, "{\"decision\":\"not-agreed\",\"reason\":\"second thoughts\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(officer.post("/ig/overrides/" + override.path("id").asText() + "/review", "{\"decision\":\"maybe\",\"reason\":\"x\"}")
                .statusCode()).isEqualTo(400);

        JsonNode agreed = null;
        for (JsonNode o : json(auditor.get("/ig/overrides?status=AGREED").body())) {
            if (trackingId.equals(o.path("trackingId").asText())) {
                agreed = o;
            }
        }
        assertThat(agreed).isNotNull();
        assertThat(agreed.path("reviewedBy").asText()).isEqualTo("ig-officer");
        assertThat(jdbc.queryForObject("""
                select status from override_review o join intake_record r using (tracking_id)
                where r.message_id = ? and o.recipient = 'yjs-norfolk'""", String.class, messageId)).isEqualTo("AGREED");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("""
                select count(*) from audit_entry where kind = 'OVERRIDE_REVIEWED' and tracking_id = ? and actor = 'ig-officer'
                and recipient = 'yjs-norfolk' and outcome = 'AGREED'""", Long.class, trackingId) == 1);
    }

    @Test
    void theLedgerExportsForTheVerifier() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("select count(*) from audit_entry", Long.class) > 0);
        writer.checkpoint();
        HttpResponse<String> export = auditor.get("/ig/ledger/export");
        assertThat(export.statusCode()).isEqualTo(200);
        List<String> lines = export.body().lines().toList();
        assertThat(lines).isNotEmpty();
        assertThat(json(lines.get(0)).path("seq").asLong()).isEqualTo(1);

        HttpResponse<String> checkpoints = officer.get("/ig/ledger/checkpoints");
        assertThat(checkpoints.statusCode()).isEqualTo(200);
        assertThat(json(checkpoints.body()).isArray()).isTrue();
        HttpResponse<String> certificate = auditor.get("/ig/ledger/certificate");
        assertThat(certificate.statusCode()).isEqualTo(200);
        assertThat(certificate.body()).startsWith("-----BEGIN CERTIFICATE-----");

        // what the API hands out is all the offline verifier needs
        Path dir = Files.createTempDirectory(DATA_DIR, "verify-");
        Files.writeString(dir.resolve("ledger.jsonl"), export.body());
        Files.writeString(dir.resolve("signer.crt.pem"), certificate.body());
        Path checkpointDir = Files.createDirectories(dir.resolve("checkpoints"));
        long covered = 0;
        for (JsonNode checkpoint : json(checkpoints.body())) {
            if (checkpoint.path("treeSize").asLong() <= lines.size()) {
                Files.writeString(checkpointDir.resolve("checkpoint-" + checkpoint.path("treeSize").asLong() + ".json"), checkpoint.toString());
                covered++;
            }
        }
        assertThat(covered).isPositive();
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        int exit = VerifierMain.run(new String[]{"verify", "--entries", dir.resolve("ledger.jsonl").toString(), "--checkpoints",
                checkpointDir.toString(), "--cert", dir.resolve("signer.crt.pem").toString()}, new PrintStream(report, true, StandardCharsets.UTF_8));
        assertThat(report.toString(StandardCharsets.UTF_8)).startsWith("OK: " + lines.size() + " entries");
        assertThat(exit).isZero();
    }

    @Test
    void onlyIgUsersWithTheirOwnCredentialsMayCallTheApi() throws Exception {
        IgClient nobody = IgClient.anonymous(PKI.caCertificate(), baseUrl());
        IgClient wrongPassword = IgClient.as("ig-officer", "not-the-password", PKI.caCertificate(), baseUrl());
        String overrideReview = "/ig/overrides/00000000-0000-0000-0000-000000000000/review";
        String[] paths = {"/ig/AuditEvent", "/ig/disclosure-report?identifier=" + URLEncoder.encode(NHS + "|" + NHS_NUMBER,
                StandardCharsets.UTF_8), "/ig/overrides?status=PENDING", "/ig/ledger/export", "/ig/ledger/checkpoints", "/ig/ledger/certificate",
                "/fhir/AuditEvent", "/fhir/AuditEvent?entity=00000000-0000-0000-0000-000000000000"};
        for (String path : paths) {
            HttpResponse<String> anonymous = nobody.get(path);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
            HttpResponse<String> partner = as("cs-suffolk").get(path);
            assertThat(partner.statusCode()).as(path).isEqualTo(403);
            assertThat(json(partner.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(wrongPassword.get(path).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(nobody.post(overrideReview, "{}").statusCode()).isEqualTo(401);
        assertThat(as("cs-suffolk").post(overrideReview, "application/json", Examples.bytes("{}")).statusCode()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where kind = 'REFUSED' and actor = 'cs-suffolk' and reason = 'partner-not-ig'", Long.class)
                >= paths.length + 1);
        assertThat(wrongPassword.post(overrideReview, "{}").statusCode()).isEqualTo(401);
        assertThat(officer.post(overrideReview, "{\"decision\":\"agreed\",\"reason\":\"x\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void bearerTokensFromTheIdentityProviderCarryIgRoles() throws Exception {
        Instant in5Minutes = Instant.now().plusSeconds(300);
        IgClient jo = IgClient.bearer(token(IG_OIDC_KEY, "jo.officer", List.of("ig-officer"), in5Minutes), PKI.caCertificate(), baseUrl());
        HttpResponse<String> search = jo.get("/fhir/AuditEvent?_count=5");
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertThat(json(search.body()).path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(jo.get("/ig/overrides?status=PENDING").statusCode()).isEqualTo(200);
        assertThat(jo.post("/ig/overrides/00000000-0000-0000-0000-000000000000/review",
                "{\"decision\":\"agreed\",\"reason\":\"x\"}").statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("select count(*) from audit_entry where kind = 'AUDIT_READ' "
                + "and actor = 'jo.officer' and actor_role = 'ig-officer' and outcome = 'GET /fhir/AuditEvent'", Long.class) >= 1);

        IgClient sam = IgClient.bearer(token(IG_OIDC_KEY, "sam.auditor", List.of("auditor", "staff"), in5Minutes), PKI.caCertificate(), baseUrl());
        assertThat(sam.get("/ig/AuditEvent?_count=1").statusCode()).isEqualTo(200);
        assertThat(sam.post("/ig/overrides/00000000-0000-0000-0000-000000000000/review", "{}").statusCode()).isEqualTo(403);

        IgClient noRole = IgClient.bearer(token(IG_OIDC_KEY, "pat", List.of("staff"), in5Minutes), PKI.caCertificate(), baseUrl());
        assertThat(noRole.get("/fhir/AuditEvent").statusCode()).isEqualTo(403);

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair otherKey = generator.generateKeyPair();
        for (String token : new String[]{token(otherKey, "mallory", List.of("ig-officer"), in5Minutes),
                token(IG_OIDC_KEY, "jo.officer", List.of("ig-officer"), Instant.now().minusSeconds(600)), "not-a-jwt"}) {
            HttpResponse<String> refused = IgClient.bearer(token, PKI.caCertificate(), baseUrl()).get("/fhir/AuditEvent");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().allValues("WWW-Authenticate")).anySatisfy(h -> assertThat(h).startsWith("Bearer"));
            assertThat(json(refused.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        }
    }

    /** An RS256 JWT as the identity provider would issue it. */
    private static String token(KeyPair key, String username, List<String> roles, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), new JWTClaimsSet.Builder()
                .subject("subject-" + username).claim("preferred_username", username).claim("roles", roles)
                .issueTime(Date.from(expires.minusSeconds(900))).expirationTime(Date.from(expires)).build());
        jwt.sign(new RSASSASigner(key.getPrivate()));
        return jwt.serialize();
    }

    private static List<String> patients(JsonNode auditEvent) {
        List<String> found = new ArrayList<>();
        auditEvent.path("entity").forEach(e -> {
            if ("Patient".equals(e.path("what").path("type").asText())) {
                JsonNode id = e.path("what").path("identifier");
                found.add(id.path("system").asText() + "|" + id.path("value").asText());
            }
        });
        return found;
    }

    private long auditReads() {
        return jdbc.queryForObject("select count(*) from audit_entry where kind = 'AUDIT_READ'", Long.class);
    }

    private static JsonNode item(List<JsonNode> items, String recipient) {
        return items.stream().filter(i -> recipient.equals(i.path("recipient").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no item for " + recipient + " in " + items));
    }
}
