package org.carebridge.gateway.ig;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The AuditEvent search over the whole ledger: every kind of entry, FHIR paging with a true total and next links,
 * newest first unless sorted by date, the partner a refused message claimed to be from, and search values that never
 * reach the ledger as typed.
 */
class AuditEventSearchTest extends GatewayTest {

    private IgClient officer;
    private IgClient auditor;

    @BeforeEach
    void users() throws Exception {
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(DATA_DIR.resolve("pki/ig-users.dev-only.txt"))) {
            passwords.load(in);
        }
        officer = IgClient.as("ig-officer", passwords.getProperty("ig-officer"), PKI.caCertificate(), baseUrl());
        auditor = IgClient.as("auditor", passwords.getProperty("auditor"), PKI.caCertificate(), baseUrl());
    }

    @Test
    void aRecordsEventsArePagedNewestFirstWithTheTotalOfAllMatchesAndNextLinks() throws Exception {
        String messageId = Examples.newMessageId();
        HttpResponse<String> accepted = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String trackingId = accepted.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where tracking_id = ? and kind = 'DISCLOSED'", Long.class, trackingId) == 3
                && jdbc.queryForObject("select count(*) from audit_outbox where tracking_id = ?", Long.class, trackingId) == 0);
        List<String> newestFirst = jdbc.queryForList("""
                select 'ledger-' || seq from audit_entry where tracking_id = ?
                order by entry_time::timestamptz desc, seq desc""", String.class, trackingId);
        assertThat(newestFirst.size()).isGreaterThanOrEqualTo(8); // received, 4 decisions, 3 disclosures (and any clock)

        List<String> seen = new ArrayList<>();
        String next = "/fhir/AuditEvent?entity=" + trackingId + "&_count=3";
        int pages = 0;
        while (next != null) {
            HttpResponse<String> response = auditor.get(next);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode bundle = json(response.body());
            assertThat(bundle.path("total").asInt()).isEqualTo(newestFirst.size());
            assertThat(bundle.path("entry").size()).isLessThanOrEqualTo(3);
            bundle.path("entry").forEach(e -> seen.add(e.path("resource").path("id").asText()));
            next = null;
            for (JsonNode link : bundle.path("link")) {
                if ("next".equals(link.path("relation").asText())) {
                    next = link.path("url").asText().substring(baseUrl().length());
                }
            }
            pages++;
            assertThat(pages).isLessThanOrEqualTo(newestFirst.size());
        }
        assertThat(pages).isEqualTo((newestFirst.size() + 2) / 3);
        assertThat(seen).containsExactlyElementsOf(newestFirst);

        JsonNode oldestFirst = json(auditor.get("/ig/AuditEvent?entity=" + trackingId + "&_sort=date&_count=1").body());
        assertThat(oldestFirst.path("total").asInt()).isEqualTo(newestFirst.size());
        assertThat(oldestFirst.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(newestFirst.get(newestFirst.size() - 1));
        assertThat(oldestFirst.path("entry").get(0).path("resource").path("subtype").get(0).path("code").asText()).isEqualTo("RECEIVED");
        assertThat(auditor.get("/ig/AuditEvent?_sort=recipient").statusCode()).isEqualTo(400);
        assertThat(auditor.get("/ig/AuditEvent?_count=0").statusCode()).isEqualTo(400);
    }

    @Test
    void everyKindOfLedgerEntryIsSearchable() throws Exception {
        // a record, a refusal and a read, so that those kinds are in the ledger whichever test runs first
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())))
                .statusCode()).isEqualTo(202);
        assertThat(as("cs-suffolk").processMessage(Examples.bytes("{\"resourceType\": \"Patient\"}")).statusCode()).isEqualTo(422);
        assertThat(auditor.get("/ig/AuditEvent?_count=1").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("select count(distinct kind) from audit_entry "
                + "where kind in ('RECEIVED', 'REFUSED', 'AUDIT_READ')", Long.class) == 3);
        List<String> kinds = jdbc.queryForList("select distinct kind from audit_entry order by kind", String.class);
        for (String kind : kinds) {
            long before = jdbc.queryForObject("select count(*) from audit_entry where kind = ?", Long.class, kind);
            HttpResponse<String> response = auditor.get("/fhir/AuditEvent?_count=1&subtype="
                    + URLEncoder.encode(IgAuditEvents.AUDIT_KIND_SYSTEM + "|" + kind, StandardCharsets.UTF_8));
            long after = jdbc.queryForObject("select count(*) from audit_entry where kind = ?", Long.class, kind);
            assertThat(response.statusCode()).as(kind + ": " + response.body()).isEqualTo(200);
            JsonNode bundle = json(response.body());
            assertThat(bundle.path("total").asLong()).as(kind).isBetween(before, after);
            assertThat(bundle.path("entry")).as(kind).hasSize(1);
            assertThat(bundle.path("entry").get(0).path("resource").path("subtype").get(0).path("code").asText()).isEqualTo(kind);
        }
        assertThat(auditor.get("/fhir/AuditEvent?subtype=NOT_A_KIND").statusCode()).isEqualTo(400);
    }

    @Test
    void aRefusalRecordsThePartnerTheMessageClaimedToBeFrom() throws Exception {
        String messageId = Examples.newMessageId();
        String claimingHealth = Examples.placementNotification(messageId)
                .replace("urn:carebridge:partner:cs-suffolk", "urn:carebridge:partner:health-norfolk");
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(claimingHealth)).statusCode()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("""
                select count(*) from audit_entry where kind = 'REFUSED' and actor = 'cs-suffolk'
                and reason = 'source-mismatch; claimed source health-norfolk'""", Long.class) >= 1);

        JsonNode bundle = json(officer.get("/fhir/AuditEvent?subtype=REFUSED&agent=health-norfolk&_count=1").body());
        assertThat(bundle.path("total").asInt()).isPositive();
        JsonNode refusal = bundle.path("entry").get(0).path("resource");
        assertThat(refusal.path("outcome").asText()).isEqualTo("4");
        List<String> agents = new ArrayList<>();
        refusal.path("agent").forEach(a -> agents.add(a.path("who").path("identifier").path("value").asText()
                + (a.path("requestor").asBoolean() ? " (requestor)" : "") + (a.has("name") ? " " + a.path("name").asText() : "")));
        assertThat(agents).contains("cs-suffolk (requestor)", "health-norfolk claimed source");
    }

    @Test
    void searchValuesAreValidatedAndOnlyWhatIsNeededReachesTheLedger() throws Exception {
        String marker = HexFormat.of().formatHex(new byte[]{(byte) ThreadLocalRandom.current().nextInt(), 7, 9, (byte) ThreadLocalRandom.current().nextInt()});
        HttpResponse<String> typed = auditor.get("/ig/AuditEvent?agent=" + URLEncoder.encode("Jane Smith " + marker + " 2012-03-14",
                StandardCharsets.UTF_8));
        assertThat(typed.statusCode()).isEqualTo(400);
        assertThat(json(typed.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(typed.body()).doesNotContain(marker);
        assertThat(auditor.get("/ig/AuditEvent?agent=" + "x".repeat(65)).statusCode()).isEqualTo(400);
        assertThat(auditor.get("/ig/AuditEvent?nickname=" + marker).statusCode()).isEqualTo(400);

        HttpResponse<String> person = auditor.get("/ig/AuditEvent?agent=Ada.Lovelace" + marker);
        assertThat(person.statusCode()).isEqualTo(200);
        HttpResponse<String> partner = auditor.get("/ig/AuditEvent?agent=police-norfolk&_count=1");
        assertThat(partner.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("""
                select count(*) from audit_entry where kind = 'AUDIT_READ' and actor = 'auditor' and reason like 'agent=police-norfolk %'""",
                Long.class) >= 1 && jdbc.queryForObject("select count(*) from audit_outbox", Long.class) == 0);
        assertThat(jdbc.queryForObject("select count(*) from audit_entry where kind = 'AUDIT_READ' and reason like 'agent=(not a partner)%'",
                Long.class)).isPositive();
        assertThat(jdbc.queryForObject("select count(*) from audit_entry where strpos(coalesce(reason, '') || coalesce(outcome, ''), ?) > 0",
                Long.class, marker)).isZero();
    }

    @Test
    void aParserRefusalNamesTheElementButNeverEchoesItsValue() throws Exception {
        String marker = "Q" + HexFormat.of().formatHex(new byte[]{(byte) ThreadLocalRandom.current().nextInt(), 3, 5});
        String body = Examples.placementNotification(Examples.newMessageId())
                .replace("\"birthDate\": \"2012-03-14\"", "\"birthDate\": \"14 March 2012 " + marker + "\"");
        HttpResponse<String> refused = as("cs-suffolk").processMessage(Examples.bytes(body));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(refused.body()).contains("not a valid FHIR R4 resource").contains("birthDate").doesNotContain(marker).doesNotContain("March");
    }
}
