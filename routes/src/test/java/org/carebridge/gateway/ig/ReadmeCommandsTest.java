package org.carebridge.gateway.ig;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.gateway.audit.LedgerWriter;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.ledger.VerifierMain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** What the README tells a user to run works as it says: the IG index, override review, consent withdrawal, the verifier. */
class ReadmeCommandsTest extends GatewayTest {

    @Autowired
    LedgerWriter writer;

    private Properties passwords;
    private IgClient officer;

    @BeforeEach
    void users() throws Exception {
        passwords = new Properties();
        try (Reader in = Files.newBufferedReader(DATA_DIR.resolve("pki/ig-users.dev-only.txt"))) {
            passwords.load(in);
        }
        officer = IgClient.as("ig-officer", passwords.getProperty("ig-officer"), PKI.caCertificate(), baseUrl());
    }

    @Test
    void theIgRootListsTheApi() throws Exception {
        for (String path : new String[]{"/ig/", "/ig"}) {
            HttpResponse<String> index = officer.get(path);
            assertThat(index.statusCode()).as(path).isEqualTo(200);
            assertThat(index.body()).contains("/fhir/AuditEvent", "/ig/agreements", "/ig/ledger/checkpoints", "/ig/overrides/{id}/review");
        }
        assertThat(IgClient.anonymous(PKI.caCertificate(), baseUrl()).get("/ig/").statusCode()).isEqualTo(401);
    }

    @Test
    void anOverrideReviewWithoutAJsonContentTypeIsAnOperationOutcome() throws Exception {
        String path = "/ig/overrides/00000000-0000-0000-0000-000000000000/review";
        String body = "{\"decision\":\"agreed\",\"reason\":\"Proportionate.\"}";
        for (String contentType : new String[]{null, "text/plain"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                    .header("Authorization", basic("ig-officer"));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            HttpResponse<String> response = http().send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(String.valueOf(contentType)).isEqualTo(415);
            assertThat(json(response.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(response.body()).contains("Content-Type: application/json");
        }
        HttpResponse<String> notJson = officer.post(path, "{decision: agreed");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(officer.post(path, body).statusCode()).isEqualTo(404);
    }

    @Test
    void theShippedWithdrawalBodyWithdrawsTheRecordedConsent() throws Exception {
        String nhsNumber = Examples.freshNhsNumber();
        String consent = Files.readString(Examples.CONFIG.resolve("examples/consent-care-leaver-police-contact.json"))
                .replace("9434765919", nhsNumber);
        HttpResponse<String> recorded = as("cs-suffolk").post("/fhir/Consent", "application/fhir+json", Examples.bytes(consent));
        assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
        String location = recorded.headers().firstValue("Location").orElseThrow();
        String id = location.replaceAll(".*/Consent/([^/]+).*", "$1");

        // as the README has it: the withdrawal body with the consent's id filled in, PUT as FHIR JSON
        String withdrawal = Files.readString(Examples.CONFIG.resolve("examples/consent-care-leaver-police-contact-withdrawn.json"))
                .replace("CONSENT-ID", id).replace("9434765919", nhsNumber);
        HttpResponse<String> withdrawn = as("cs-suffolk").put("/fhir/Consent/" + id, "application/fhir+json", Examples.bytes(withdrawal));
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
        assertThat(json(withdrawn.body()).path("status").asText()).isEqualTo("inactive");
    }

    @Test
    void theVerifierReadsTheCheckpointsAsTheApiServesThem() throws Exception {
        writer.chainPending();
        writer.checkpoint();
        Path dir = Files.createTempDirectory(DATA_DIR, "readme-verify-");
        Path checkpoints = Files.writeString(dir.resolve("checkpoints.json"), officer.get("/ig/ledger/checkpoints").body());
        Path entries = Files.writeString(dir.resolve("ledger.jsonl"), officer.get("/ig/ledger/export").body());
        Path cert = Files.writeString(dir.resolve("checkpoint-signer.crt.pem"), officer.get("/ig/ledger/certificate").body());
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        int exit = VerifierMain.run(new String[]{"verify", "--entries", entries.toString(), "--checkpoints", checkpoints.toString(),
                "--cert", cert.toString()}, new PrintStream(report, true, StandardCharsets.UTF_8));
        assertThat(report.toString(StandardCharsets.UTF_8)).startsWith("OK: ").doesNotContain(" 0 checkpoints verified");
        assertThat(exit).isZero();
    }

    private String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + passwords.getProperty(user)).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpClient http() throws Exception {
        return HttpClient.newBuilder().sslContext(org.carebridge.gateway.support.PartnerClient.tls(null, null, PKI.caCertificate())).build();
    }

}
