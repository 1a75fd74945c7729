package org.carebridge.gateway.console;

import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One journey per role through the console in a real browser, each page checked with axe-core and saved as a screenshot. */
class ConsoleJourneysIT extends GatewayTest {

    private static Browser browser;

    @org.springframework.beans.factory.annotation.Autowired
    org.carebridge.gateway.clock.ClockScanner clockScanner;

    private Browser browser() throws Exception {
        if (browser == null) {
            browser = new Browser(baseUrl());
        }
        return browser;
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void partnersBack() throws Exception {
        inbox("vs-suffolk").setOnline(true);
        ConsoleUsers.Api.as(DATA_DIR, "admin", PKI.caCertificate(), baseUrl())
                .post("/admin/api/partners/health-norfolk/resume", "{\"reason\":\"test over\"}");
    }

    @Test
    void anOperatorResendsADeadLetterAfterThePartnerReturns() throws Exception {
        String messageId = Examples.newMessageId();
        inbox("vs-suffolk").refuse(messageId, 503);
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
        String deliveryId = jdbc.queryForObject("""
                select d.delivery_id::text from delivery d join intake_record r using (tracking_id)
                where r.message_id = ? and d.recipient = 'vs-suffolk'""", String.class, messageId);
        await().atMost(Duration.ofSeconds(60)).until(() -> "DEAD_LETTERED".equals(state(deliveryId)));
        inbox("vs-suffolk").accept(messageId);

        Browser b = browser();
        b.signIn("operator", ConsoleUsers.password(DATA_DIR, "operator"));
        b.check("operator-start");
        b.open("/console/operations");
        assertThat(b.text()).contains("Each partner's queue", "Dead-lettered");
        b.check("operator-queues");

        b.open("/console/operations/dead-letters");
        new Select(b.find("partner")).selectByValue("vs-suffolk");
        b.press("filter");
        assertThat(b.text()).contains("dead-lettered cop");
        b.check("operator-dead-letters");
        b.driver.findElement(By.cssSelector("input[name='deliveryId'][value='" + deliveryId + "']")).click();
        b.press("send-selected");
        assertThat(b.text()).contains("Send 1 copy again", "vs-suffolk");
        b.press("confirm-send");
        assertThat(b.text()).contains("There is a problem", "Enter a reason");
        b.check("operator-confirm-error");
        assertThat(state(deliveryId)).isEqualTo("DEAD_LETTERED");
        b.find("reason").sendKeys("The virtual school's endpoint is back");
        b.press("confirm-send");
        assertThat(b.find("sent-text").getText()).isEqualTo("Sent again: 1 copy to vs-suffolk");
        b.check("operator-sent");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("vs-suffolk", messageId)));
        await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(state(deliveryId)));
    }

    @Test
    void anAdminAddsAPartnerAndARecordReachesItWithoutARestart() throws Exception {
        String id = "vs-suffolk-annex-" + Long.toHexString(System.nanoTime() % 0xFFFFF);
        // the new virtual school's own keys, so its demo inbox can open what is sealed to it
        PKI.ensure(java.util.List.of(id));
        Browser b = browser();
        b.signIn("admin", ConsoleUsers.password(DATA_DIR, "admin"));
        b.open("/console/partners");
        b.press("add-partner");
        b.check("admin-partner-new");
        b.press("save-partner");
        assertThat(b.text()).contains("There is a problem", "Enter a partner id", "Enter the partner's name", "Select the kind of agency",
                "Enter the endpoint URL", "Paste the partner's TLS client certificate", "Enter a reason");
        b.check("admin-partner-new-errors");

        type(b, "id", "cs-suffolk");
        type(b, "name", "Suffolk Virtual School annex");
        new Select(b.find("kind")).selectByValue("virtual-school");
        type(b, "area", "E10000029");
        type(b, "endpointUrl", "http://localhost:" + DEMO_PARTNERS_PORT + "/partners/" + id);
        type(b, "encryptionCertificate", Files.readString(PKI.partnerEncryptionCertificate(id)));
        // a certificate file, uploaded, goes through the same checks as one pasted: the CA's own is refused
        b.find("tlsCertificate").clear();
        b.find("tlsCertificateFile").sendKeys(PKI.caCertificate().toAbsolutePath().toString());
        type(b, "reason", "The annex takes children placed in Suffolk from January");
        b.press("save-partner");
        assertThat(b.text()).contains("The partner id cs-suffolk is already taken", "The endpoint URL must be an HTTPS address",
                "The TLS client certificate is a certificate authority's certificate, not a partner system's");
        b.check("admin-partner-taken-id");
        assertThat(jdbc.queryForObject("select count(*) from registered_partner where partner_id = ?", Long.class, id)).isZero();

        type(b, "id", id);
        type(b, "endpointUrl", "https://localhost:" + DEMO_PARTNERS_PORT + "/partners/" + id);
        b.find("tlsCertificate").clear();
        b.find("tlsCertificateFile").sendKeys(PKI.partnerCertificate(id).toAbsolutePath().toString());
        type(b, "encryptionCertificate", Files.readString(PKI.partnerEncryptionCertificate(id)));
        b.press("save-partner");
        try {
            assertThat(b.find("done-text").getText()).contains("Suffolk Virtual School annex is added");
            assertThat(b.find("partner-transport").getText()).isEqualTo("https, fhir-json, sealed");
            b.check("admin-partner-added");

            String messageId = Examples.newMessageId();
            assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
            // sealed to the uploaded encryption certificate, opened by the new partner's key
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile(id, messageId)));
            assertThat(Files.readString(inboxFile(id, messageId))).contains("Bundle");

            b.press("edit-partner");
            b.check("admin-partner-edit");
            type(b, "name", "Suffolk Virtual School (annex)");
            type(b, "reason", "The school's own name for it");
            b.press("save-partner");
            assertThat(b.find("done-text").getText()).contains("Suffolk Virtual School (annex) is changed");
            b.check("admin-partner-edited");

            b.open("/console/certificates");
            assertThat(b.text()).contains(id, "partner TLS", "partner encryption", "The gateway", "Registry");
            b.check("admin-certificates");
        } finally {
            // out of the flows again, so other tests' recipients stay as they were
            ConsoleUsers.Api.as(DATA_DIR, "admin", PKI.caCertificate(), baseUrl()).post("/admin/api/partners/" + id + "/retire",
                    "{\"reason\":\"test over\"}");
        }
    }

    /**
     * The README's newcomer walk on the embedded default, with no file and no curl: an admin adds a partner with a
     * development certificate, tests its connection, sends an example record and watches it arrive; points the partner
     * at the demo's refusing address so a copy is dead-lettered, points it back; an operator re-delivers the copy; an IG
     * officer produces the subject's disclosure report; the admin retires the partner.
     */
    @Test
    void aNewcomerAddsAPartnerWatchesARecordReachItRedeliversADeadLetterAndReportsDisclosures() throws Exception {
        String id = "vs-newcomer-" + Long.toHexString(System.nanoTime() % 0xFFFFF);
        String inbox = "https://localhost:" + DEMO_PARTNERS_PORT + "/partners/" + id;
        Browser b = browser();
        try {
            b.signIn("admin", ConsoleUsers.password(DATA_DIR, "admin"));
            b.open("/console/partners");
            b.press("add-partner");
            type(b, "id", id);
            type(b, "name", "Suffolk Virtual School (newcomer)");
            new Select(b.find("kind")).selectByValue("virtual-school");
            type(b, "area", "E10000029");
            type(b, "endpointUrl", inbox);
            b.find("developmentCertificate").click();
            type(b, "tlsCertificate", Files.readString(PKI.partnerCertificate("vs-suffolk")));
            type(b, "reason", "Trying the console");
            b.check("newcomer-partner-new");
            b.press("save-partner");
            // a pasted certificate beside the issued one is refused, and nothing is stored or issued
            assertThat(b.text()).contains("There is a problem", "Either issue a development certificate or give the partner's own certificates");
            b.check("newcomer-partner-both-refused");
            assertThat(jdbc.queryForObject("select count(*) from registered_partner where partner_id = ?", Long.class, id)).isZero();
            assertThat(Files.exists(PKI.partnerCertificate(id))).isFalse();
            b.find("tlsCertificate").clear();
            b.press("save-partner");
            assertThat(b.find("done-text").getText()).contains("Suffolk Virtual School (newcomer) is added");
            String password = b.find("pkcs12-password").getText();
            assertThat(password).hasSize(20);
            b.check("newcomer-partner-added");
            b.find("download-pkcs12").click();
            Path p12 = b.downloads.resolve(id + ".dev-only.p12");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(p12) && Files.size(p12) > 0);
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(p12)) {
                store.load(in, password.toCharArray());
            }
            assertThat(java.util.Collections.list(store.aliases())).containsExactlyInAnyOrder("tls", "encryption");
            assertThat(((java.security.cert.X509Certificate) store.getCertificate("tls")).getSubjectX500Principal().getName()).contains("CN=" + id);
            // the password is shown once
            b.open("/console/partners/" + id);
            assertThat(b.driver.findElements(By.id("pkcs12-password"))).isEmpty();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(jdbc.queryForList("select reason from audit_entry "
                    + "where kind = 'CONFIG_CHANGED' and recipient = ? and outcome = 'development-certificate-issued'", String.class, id))
                    .singleElement().asString().contains("dev-only tls=sha256:").doesNotContain("PRIVATE", password));

            b.press("test-connection");
            assertThat(b.find("connection-test-text").getText()).startsWith("The connection to Suffolk Virtual School (newcomer) works");
            b.check("newcomer-connection-test");

            b.press("send-example-record");
            b.press("send-example");
            assertThat(b.text()).contains("There is a problem", "Choose one of the example records");
            new Select(b.find("example")).selectByValue("placement-notification.json");
            b.check("newcomer-example");
            b.press("send-example");
            assertThat(b.find("done-text").getText()).contains("Sent placement-notification.json as cs-suffolk");
            By newcomerRow = By.cssSelector("tr[data-recipient='" + id + "']");
            // the copies table refreshes itself until the new partner's copy is delivered
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class)
                    .untilAsserted(() -> assertThat(b.driver.findElement(newcomerRow).getText()).contains("Delivered"));
            b.check("newcomer-record-delivered");
            String firstRecord = b.find("tracking-id").getText();
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("""
                    select count(*) from delivery where tracking_id = ?::uuid and recipient = ? and state = 'DELIVERED'""", Long.class,
                    firstRecord, id) == 1);

            b.open("/console/partners/" + id);
            b.press("edit-partner");
            type(b, "endpointUrl", "https://localhost:" + DEMO_PARTNERS_PORT + "/refusing/" + id);
            type(b, "reason", "See a copy dead-lettered");
            b.press("save-partner");
            assertThat(b.find("done-text").getText()).contains("is changed");
            b.press("send-example-record");
            new Select(b.find("example")).selectByValue("placement-notification.json");
            b.press("send-example");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class)
                    .untilAsserted(() -> assertThat(b.driver.findElement(newcomerRow).getText())
                    .contains("Dead-lettered", "422"));
            b.check("newcomer-record-dead-lettered");

            b.open("/console/partners/" + id);
            b.press("edit-partner");
            type(b, "endpointUrl", inbox);
            type(b, "reason", "Endpoint back");
            b.press("save-partner");

            b.signIn("operator", ConsoleUsers.password(DATA_DIR, "operator"));
            b.open("/console/operations/dead-letters");
            new Select(b.find("partner")).selectByValue(id);
            b.press("filter");
            assertThat(b.find("dead-letter-count").getText()).isEqualTo("1 dead-lettered copy");
            b.find("copy-0").click();
            b.press("send-selected");
            b.find("reason").sendKeys("The endpoint is right again");
            b.press("confirm-send");
            assertThat(b.find("sent-text").getText()).isEqualTo("Sent again: 1 copy to " + id);
            b.check("newcomer-redelivered");
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                    "select count(*) from delivery where recipient = ? and state = 'DELIVERED'", Long.class, id) == 2);

            b.signIn("ig-officer", ConsoleUsers.password(DATA_DIR, "ig-officer"));
            b.open("/console/ig/subject-access");
            b.find("value").sendKeys("9434765919");
            b.press("produce-report");
            assertThat(b.find("report").getText()).contains(id, "placement-notification");
            b.check("newcomer-subject-access-report");

            b.signIn("admin", ConsoleUsers.password(DATA_DIR, "admin"));
            b.open("/console/partners/" + id);
            b.press("retire-partner");
            b.press("confirm-retire");
            assertThat(b.text()).contains("There is a problem", "Confirm that Suffolk Virtual School (newcomer) is to be retired", "Enter a reason");
            b.check("newcomer-retire-errors");
            assertThat(jdbc.queryForObject("select retired from registered_partner where partner_id = ?", Boolean.class, id)).isFalse();
            b.find("reason").sendKeys("Finished trying the console");
            b.find("confirm").click();
            b.press("confirm-retire");
            assertThat(b.find("done-text").getText()).contains("is retired");
            b.check("newcomer-retired");
            assertThat(jdbc.queryForObject("select retired from registered_partner where partner_id = ?", Boolean.class, id)).isTrue();
        } finally {
            if (!jdbc.queryForObject("select coalesce(bool_or(retired), true) from registered_partner where partner_id = ?", Boolean.class, id)) {
                ConsoleUsers.Api.as(DATA_DIR, "admin", PKI.caCertificate(), baseUrl()).post("/admin/api/partners/" + id + "/retire",
                        "{\"reason\":\"test over\"}");
            }
        }
    }

    /** Replaces what a field holds. */
    private static void type(Browser b, String field, String text) {
        b.find(field).clear();
        b.find(field).sendKeys(text);
    }

    @Test
    void anAdminSuspendsAPartnerAndItsCopiesWaitUntilItIsResumed() throws Exception {
        Browser b = browser();
        b.signIn("admin", ConsoleUsers.password(DATA_DIR, "admin"));
        b.open("/console/partners");
        b.check("admin-partners");
        b.open("/console/partners/health-norfolk");
        b.check("admin-partner");
        b.press("change-partner");
        assertThat(b.text()).contains("Enter a reason");
        b.check("admin-suspend-error");
        b.find("reason").sendKeys("Their certificate is being replaced");
        b.press("change-partner");
        assertThat(b.find("done-text").getText()).contains("is suspended");
        assertThat(b.find("partner-state").getText()).isEqualTo("Suspended");

        var refused = as("health-norfolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("suspended");
        String messageId = Examples.newMessageId();
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("cs-norfolk", messageId)));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> !Files.exists(inboxFile("health-norfolk", messageId)));
        b.open("/console/partners/health-norfolk");
        assertThat(Long.parseLong(b.find("partner-waiting").getText())).isPositive();
        b.check("admin-partner-suspended");

        b.find("reason").sendKeys("New certificate installed");
        b.press("change-partner");
        assertThat(b.find("done-text").getText()).contains("is active again");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("health-norfolk", messageId)));
        b.check("admin-partner-resumed");
    }

    @Test
    void anAuditorsChangeAttemptsAreRefused() throws Exception {
        Browser b = browser();
        b.signIn("auditor", ConsoleUsers.password(DATA_DIR, "auditor"));
        b.open("/console/partners/health-norfolk");
        assertThat(b.driver.findElements(By.id("change-partner"))).isEmpty();
        b.check("auditor-partner");
        for (String action : new String[]{"/console/partners/health-norfolk/suspend", "/console/operations/dead-letters/redeliver"}) {
            // the form an auditor is not offered, sent anyway with the session's own CSRF token
            ((JavascriptExecutor) b.driver).executeScript("""
                    const form = document.createElement('form');
                    form.method = 'post';
                    form.action = arguments[0];
                    for (const [name, value] of [['reason', 'trying'], ['scope', 'matching'],
                            ['_csrf', document.querySelector('input[name=_csrf]').value]]) {
                        const input = document.createElement('input');
                        input.type = 'hidden'; input.name = name; input.value = value;
                        form.appendChild(input);
                    }
                    document.body.appendChild(form);
                    form.submit();""", action);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.driver.getCurrentUrl().contains("/console/forbidden"));
            assertThat(b.text()).contains("You do not have permission to do this");
        }
        b.check("auditor-refused");
        assertThat(jdbc.queryForObject("select count(*) from partner_suspension where partner_id = 'health-norfolk'", Long.class)).isZero();

        b.signIn("admin", ConsoleUsers.password(DATA_DIR, "admin"));
        b.open("/console/partners/health-norfolk");
        ((JavascriptExecutor) b.driver).executeScript("document.querySelector('form[action$=\"/suspend\"] input[name=_csrf]').remove();"
                + "document.getElementById('reason').value = 'no token'; document.getElementById('change-partner').click();");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.driver.getCurrentUrl().contains("/console/forbidden"));
        assertThat(b.text()).contains("The form could not be accepted");
        b.check("admin-no-csrf-token");
        assertThat(jdbc.queryForObject("select count(*) from partner_suspension where partner_id = 'health-norfolk'", Long.class)).isZero();
    }

    @Test
    void anIgOfficerFindsASubjectsDisclosuresAndDownloadsTheReport() throws Exception {
        String messageId = Examples.newMessageId();
        var accepted = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        String trackingId = location.substring(location.lastIndexOf('/') + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("health-norfolk", messageId)));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from audit_entry where tracking_id = ? and kind = 'DISCLOSED'", Long.class, trackingId) == 3);
        long readsBefore = igOfficerReads();

        Browser b = browser();
        b.signIn("ig-officer", ConsoleUsers.password(DATA_DIR, "ig-officer"));
        b.open("/console/ig");
        b.check("ig-search");
        b.find("value").sendKeys("9434765919");
        b.find("from").sendKeys(java.time.LocalDate.now(java.time.ZoneId.of("Europe/London")).minusDays(1).toString());
        b.press("search");
        assertThat(b.find("result-count").getText()).contains("decision");
        b.check("ig-search-results");
        b.follow(By.cssSelector("a[href$='/console/ig/records/" + trackingId + "']"));
        assertThat(b.text()).contains(trackingId, "NHS number 9434765919", "DISCLOSED", "health-norfolk");
        b.check("ig-record");

        b.open("/console/ig/subject-access");
        b.press("produce-report");
        assertThat(b.text()).contains("Enter the identifier");
        b.check("ig-subject-access-error");
        b.find("value").sendKeys("9434765919");
        b.press("produce-report");
        assertThat(b.find("report-title").getText()).isEqualTo("Disclosures about NHS number *******919");
        assertThat(b.find("report").getText()).contains("health-norfolk", "placement-notification");
        b.check("ig-subject-access-report");
        b.find("download-csv").click();
        Path csv = b.downloads.resolve("disclosure-report.csv");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(csv) && Files.size(csv) > 0);
        assertThat(Files.readString(csv)).startsWith("trackingId,event,receivedAt,recipient").contains(trackingId);

        b.open("/console/ig/monthly");
        assertThat(b.text()).contains("Monthly monitoring report", "no data yet");
        b.check("ig-monthly");
        String month = b.find("to").getAttribute("value");
        b.find("download-csv").click();
        Path monthlyCsv = b.downloads.resolve("monthly-monitoring-report-" + month + ".csv");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(monthlyCsv) && Files.size(monthlyCsv) > 0);
        assertThat(Files.readString(monthlyCsv)).startsWith(org.carebridge.gateway.report.MonthlyReportCsv.HEADER);
        b.find("download-measure-report").click();
        Path measureReport = b.downloads.resolve("monthly-monitoring-report-" + month + ".json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(measureReport) && Files.size(measureReport) > 0);
        assertThat(json(Files.readString(measureReport)).path("resourceType").asText()).isEqualTo("MeasureReport");
        // the search, the record, the report, its download and the chart were each read under the officer's name
        await().atMost(Duration.ofSeconds(20)).until(() -> igOfficerReads() - readsBefore >= 6);
        assertThat(jdbc.queryForList("select reason from audit_entry where kind = 'AUDIT_READ' and actor = 'ig-officer'", String.class))
                .noneMatch(reason -> reason.contains("9434765919"));
    }

    @Test
    void aDraftAgreementNeedsASecondPersonToApproveIt() throws Exception {
        String id = "journey-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        java.time.LocalDate start = java.time.LocalDate.now(java.time.ZoneId.of("Europe/London")).plusDays(30);
        Browser b = browser();
        b.signIn("admin", ConsoleUsers.password(DATA_DIR, "admin"));
        b.open("/console/agreements");
        assertThat(b.find("agreements").getText()).contains("placement-notification version 1", "In force");
        // one table per list, from the shared table fragment
        assertThat(b.driver.findElements(By.cssSelector("table#agreements"))).hasSize(1);
        assertThat(b.driver.findElements(By.cssSelector("table#agreements thead th")))
                .extracting(org.openqa.selenium.WebElement::getText).containsExactly("Agreement", "Valid", "Review", "State");
        b.check("admin-agreements");
        b.press("new-draft");
        b.find("fileName").sendKeys("return-home-v9.yaml");
        ((JavascriptExecutor) b.driver).executeScript("document.getElementById('document').value = arguments[0];",
                org.carebridge.gateway.agreement.AgreementDraftTexts.withUnknownEvent(id));
        b.press("save-draft");
        assertThat(b.text()).contains("There is a problem", "nothing was saved");
        assertThat(b.find("problems").getText()).contains("return-home-v9.yaml: line 20: rule 'responsible-authority': event "
                + "'return-home-chat' is not in the event code system");
        b.check("admin-agreement-draft-error");
        assertThat(jdbc.queryForObject("select count(*) from agreement_draft where agreement_id = ?", Long.class, id)).isZero();

        Path file = Files.createTempDirectory("agreement-").resolve(id + ".yaml");
        Files.writeString(file, org.carebridge.gateway.agreement.AgreementDraftTexts.agreement(id, 1, start));
        b.open("/console/agreements/drafts/new");
        b.find("file").sendKeys(file.toAbsolutePath().toString());
        b.press("save-draft");
        assertThat(b.find("done-text").getText()).contains("needs another person with the ig-officer role");
        assertThat(b.find("draft-authors").getText()).isEqualTo("admin");
        assertThat(b.driver.findElements(By.id("approve"))).isEmpty();
        String draftUrl = b.driver.getCurrentUrl();
        b.check("admin-agreement-draft");

        b.signIn("ig-officer", ConsoleUsers.password(DATA_DIR, "ig-officer"));
        b.open("/console/agreements");
        b.follow(By.linkText(id + " version 1"));
        assertThat(b.driver.getCurrentUrl()).isEqualTo(draftUrl);
        assertThat(b.text()).contains("When childrens-services sends a return-home-interview, childrens-services (responsible area) receives "
                + "the elements of profile return-home-interview-childrens-services; consent is not required.", "Patient.identifier");
        b.check("ig-agreement-draft");
        b.press("approve");
        assertThat(b.find("done-text").getText()).contains("Approved: " + id + " v1: not yet in force: in force from " + start);
        assertThat(b.find("approval").getText()).contains("Drafted by admin, approved by ig-officer");
        b.check("ig-agreement-approved");
        b.open("/console/agreements");
        assertThat(b.driver.findElement(By.cssSelector("tr[data-agreement='" + id + "-v1']")).getText()).contains("Not yet in force");

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForList("select actor || ' ' || outcome from audit_entry "
                + "where agreement_id = ? and kind = 'CONFIG_CHANGED' order by seq", String.class, id)
                .equals(java.util.List.of("admin agreement-drafted", "ig-officer agreement-approved")));
    }

    @Test
    void anIgOfficerDoesNotAgreeAnOverrideAndTheRecipientIsToldToDeleteItsCopy() throws Exception {
        String messageId = Examples.newMessageId();
        String message = Examples.withMessageId(Files.readString(Examples.CONFIG.resolve("examples/liaison-diversion-health-summary-override.json"))
                .replace("SCC-000123", "SCC-" + java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000, 999_999)), messageId);
        var accepted = as("health-norfolk").processMessage(Examples.bytes(message));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String overrideId = jdbc.queryForObject("""
                select o.override_id::text from override_review o join intake_record r using (tracking_id)
                where r.message_id = ? and o.recipient = 'yjs-norfolk'""", String.class, messageId);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("yjs-norfolk", messageId)));

        Browser b = browser();
        b.signIn("ig-officer", ConsoleUsers.password(DATA_DIR, "ig-officer"));
        b.open("/console/ig/overrides");
        var row = b.driver.findElement(By.cssSelector("tr[data-override='" + overrideId + "']"));
        assertThat(row.getText()).contains("yjs-norfolk", "liaison-diversion-health-summary").containsPattern("under a minute|\\d+ minutes?");
        b.check("ig-overrides");
        b.follow(By.cssSelector("tr[data-override='" + overrideId + "'] a"));
        b.press("submit-review");
        assertThat(b.text()).contains("There is a problem", "Choose whether you agree with the override", "Enter the reason for your review");
        b.check("ig-override-error");
        assertThat(jdbc.queryForObject("select status from override_review where override_id = ?::uuid", String.class, overrideId))
                .isEqualTo("PENDING");
        b.find("decision-not-agreed").click();
        b.find("reason").sendKeys("Consent could have been sought first; the threshold was not met");
        b.press("submit-review");
        assertThat(b.find("done-text").getText()).isEqualTo("Not agreed: yjs-norfolk is being told to delete its copy");
        assertThat(b.find("override-status").getText()).isEqualTo("Not agreed");
        assertThat(b.find("withdrawal").getText()).contains("yjs-norfolk is told to delete its copy");
        b.check("ig-override-not-agreed");

        String withdrawalId = "copy-withdrawal-" + overrideId;
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("yjs-norfolk", withdrawalId)));
        assertThat(Files.readString(inboxFile("yjs-norfolk", withdrawalId))).contains("delete-copy", messageId).doesNotContain("SCC-");
        // told to the recipient only: the override's other recipients keep theirs until their own review
        assertThat(Files.exists(inboxFile("police-norfolk", withdrawalId))).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForList("""
                select a.kind || ' ' || a.outcome from audit_entry a join intake_record r on r.tracking_id::text = a.tracking_id
                where r.message_id = ? and a.kind in ('DECIDED', 'DISCLOSED')""", String.class, withdrawalId)
                .containsAll(java.util.List.of("DECIDED PERMIT", "DISCLOSED delivered")));
        assertThat(jdbc.queryForObject("""
                select count(*) from audit_entry where kind = 'OVERRIDE_REVIEWED' and outcome = 'withdrawal-sent' and reason like ?""",
                Long.class, "override " + overrideId + " withdrawal-record %")).isEqualTo(1);
    }

    @Test
    void anAuditorVerifiesTheLedgerAndDownloadsWhatTheOfflineVerifierNeeds() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select count(*) from audit_checkpoint", Long.class) > 0);
        Browser b = browser();
        b.signIn("auditor", ConsoleUsers.password(DATA_DIR, "auditor"));
        b.open("/console/ig/ledger");
        assertThat(b.find("latest-checkpoint").getText()).startsWith("Entries 1 to ");
        b.check("ig-ledger");
        b.press("verify-now");
        assertThat(b.find("verify-result").getText()).matches("OK: \\d+ entries, chain intact, \\d+ checkpoints verified");
        b.check("ig-ledger-verified");
        for (String link : new String[]{"download-entries", "download-checkpoints", "download-certificate"}) {
            b.find(link).click();
        }
        Path entries = b.downloads.resolve("ledger.jsonl");
        Path checkpoints = b.downloads.resolve("checkpoints.json");
        Path certificate = b.downloads.resolve("checkpoint-signer.crt.pem");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(entries) && Files.exists(checkpoints) && Files.exists(certificate)
                && Files.size(certificate) > 0);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int exit = org.carebridge.ledger.VerifierMain.run(new String[]{"verify", "--entries", entries.toString(), "--checkpoints",
                checkpoints.toString(), "--cert", certificate.toString()}, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(exit).as(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("""
                select count(*) from audit_entry where kind = 'AUDIT_READ' and actor = 'auditor' and outcome like '% /console/ig/ledger%'""",
                Long.class) >= 4);
    }

    @Test
    void anOperatorSeesABreachedDeadlineAndThePartnerStillWaiting() throws Exception {
        inbox("vs-suffolk").setOnline(false);
        // an emergency placement notified 20 days after it began: its 5-working-day clock breaches as it starts
        java.time.Instant start = java.time.Instant.now().minus(Duration.ofDays(20)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        var bundle = (com.fasterxml.jackson.databind.node.ObjectNode) json(Examples.placementNotification(Examples.newMessageId()));
        for (var entry : bundle.path("entry")) {
            if (entry.path("resource").path("resourceType").asText().equals("EpisodeOfCare")) {
                var episode = (com.fasterxml.jackson.databind.node.ObjectNode) entry.path("resource");
                var coding = episode.putArray("type").addObject().putArray("coding").addObject();
                coding.put("system", "https://carebridge.example.org/fhir/CodeSystem/placement-type");
                coding.put("code", "emergency");
                episode.putObject("period").put("start", start.toString());
            }
        }
        var accepted = as("cs-suffolk").processMessage(JSON.writeValueAsBytes(bundle));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String trackingId = accepted.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from record_clock where tracking_id = ?::uuid", Long.class, trackingId) == 1);
        // a scan skips a clock whose row a delivery holds locked at that moment; the next scan claims it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            clockScanner.scan(java.time.Instant.now());
            assertThat(jdbc.queryForObject("select state from record_clock where tracking_id = ?::uuid", String.class, trackingId))
                    .isEqualTo("BREACHED");
        });

        Browser b = browser();
        b.signIn("operator", ConsoleUsers.password(DATA_DIR, "operator"));
        b.open("/console/operations/clocks");
        var row = b.driver.findElement(By.cssSelector("tr[data-record='" + trackingId + "']"));
        assertThat(row.getText()).contains("placement-notification", "Breached", "vs-suffolk", "overdue");
        b.check("operator-clocks");
        b.open("/console/operations/clocks?state=WARNING");
        assertThat(b.driver.findElements(By.cssSelector("tr[data-record='" + trackingId + "']"))).isEmpty();
        b.check("operator-clocks-warning");
    }

    @Test
    void aPersonSignsInThroughTheIdentityProviderAndCannotApproveTheirOwnDraft() throws Exception {
        Browser b = browser();
        b.driver.manage().deleteAllCookies();
        b.open("/console/sign-in");
        b.check("sign-in");
        b.press("sign-in-oidc");
        assertThat(b.driver.getCurrentUrl()).startsWith(IDENTITY_PROVIDER.issuer() + "/authorize");
        b.find("idp-username").sendKeys("oidc-lead");
        b.press("idp-sign-in");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(b.driver.getCurrentUrl()).as(b.text()).endsWith("/console/"));
        // roles from the token's roles claim; a value that is not a console role is ignored
        assertThat(b.text()).contains("Signed in as oidc-lead (ig-officer, admin)");

        String id = "journey-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Path file = Files.createTempDirectory("agreement-").resolve(id + ".yaml");
        Files.writeString(file, org.carebridge.gateway.agreement.AgreementDraftTexts.agreement(id, 1,
                java.time.LocalDate.now(java.time.ZoneId.of("Europe/London")).plusDays(30)));
        b.open("/console/agreements/drafts/new");
        b.find("file").sendKeys(file.toAbsolutePath().toString());
        b.press("save-draft");
        assertThat(b.find("draft-authors").getText()).isEqualTo("oidc-lead");
        b.press("approve");
        assertThat(b.text()).contains("There is a problem",
                "You wrote or edited this draft, so you cannot approve it: another ig-officer must approve it");
        assertThat(b.find("draft-state").getText()).isEqualTo("Waiting for approval");
        b.check("oidc-lead-own-draft-refused");
        assertThat(jdbc.queryForObject("select state from agreement_draft where agreement_id = ?", String.class, id)).isEqualTo("DRAFT");
        // as an admin, the author takes the draft back instead
        b.press("withdraw");
        assertThat(b.find("done-text").getText()).contains("Draft withdrawn");
        assertThat(b.find("draft-state").getText()).isEqualTo("Withdrawn");
        assertThat(b.find("draft-closed-by").getText()).startsWith("oidc-lead, ");
        assertThat(b.driver.findElements(By.id("approve"))).isEmpty();
        b.check("oidc-lead-draft-withdrawn");
        assertThat(jdbc.queryForObject("select state from agreement_draft where agreement_id = ?", String.class, id)).isEqualTo("WITHDRAWN");

        // signing out ends the provider's session too (RP-initiated logout), and the browser comes back to the console
        b.press("sign-out");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(b.driver.getCurrentUrl()).as(b.text())
                .contains("/console/sign-in?signed-out"));
        assertThat(b.text()).contains("You have signed out");
        assertThat(IDENTITY_PROVIDER.signedOut()).contains("sub-oidc-lead");
        b.check("oidc-signed-out");
        b.press("sign-in-oidc");
        assertThat(b.driver.getCurrentUrl()).startsWith(IDENTITY_PROVIDER.issuer() + "/authorize");
        assertThat(b.driver.findElements(By.id("idp-continue"))).as("the provider's session ended").isEmpty();

        // someone the provider knows but who holds no console role is signed in and may do nothing
        b.driver.manage().deleteAllCookies();
        b.open("/console/sign-in");
        b.press("sign-in-oidc");
        b.find("idp-username").sendKeys("oidc-visitor");
        b.press("idp-sign-in");
        await().atMost(Duration.ofSeconds(20)).until(() -> b.driver.getCurrentUrl().endsWith("/console/"));
        b.open("/console/agreements");
        assertThat(b.driver.getCurrentUrl()).contains("/console/forbidden");
    }

    long igOfficerReads() {
        return jdbc.queryForObject("select count(*) from audit_entry where kind = 'AUDIT_READ' and actor = 'ig-officer'", Long.class);
    }

    String state(String deliveryId) {
        return jdbc.queryForObject("select state from delivery where delivery_id = ?::uuid", String.class, deliveryId);
    }
}
