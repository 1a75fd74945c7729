package org.carebridge.gateway.console;

import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One journey per role through the console in a real browser, each page checked with axe-core and saved as a screenshot. */
class ConsoleJourneysTest extends GatewayTest {

    private static Browser browser;

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
        inbox("vs-suffolk").setOnline(false);
        assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
        String deliveryId = jdbc.queryForObject("""
                select d.delivery_id::text from delivery d join intake_record r using (tracking_id)
                where r.message_id = ? and d.recipient = 'vs-suffolk'""", String.class, messageId);
        await().atMost(Duration.ofSeconds(60)).until(() -> "DEAD_LETTERED".equals(state(deliveryId)));
        inbox("vs-suffolk").setOnline(true);

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

    long igOfficerReads() {
        return jdbc.queryForObject("select count(*) from audit_entry where kind = 'AUDIT_READ' and actor = 'ig-officer'", Long.class);
    }

    String state(String deliveryId) {
        return jdbc.queryForObject("select state from delivery where delivery_id = ?::uuid", String.class, deliveryId);
    }
}
