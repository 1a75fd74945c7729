package org.carebridge.gateway.ig;

import ca.uhn.fhir.context.FhirContext;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.agreement.AgreementLoader;
import org.carebridge.security.config.SchemaCheck;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.minimisation.FieldProfiles;
import org.carebridge.security.partner.Partner;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Each agreement's standing (in force, expired since when, not yet in force, review overdue), logged and served to IG. */
class AgreementStandingTest extends GatewayTest {

    @Autowired
    EventCatalogue events;

    @Autowired
    List<Partner> partners;

    @Autowired
    FieldProfiles profiles;

    @Autowired
    FhirContext fhir;

    @Autowired
    AuditTrail audit;

    @Test
    void theLogSaysWhichAgreementsAreInForceExpiredNotYetInForceOrOverdueForReview() throws Exception {
        Path folder = Files.createTempDirectory(DATA_DIR, "agreements-");
        String placement = Files.readString(Examples.CONFIG.resolve("agreements/placement-notification.yaml"));
        // On 1 December 2026: one ended yesterday, one starts next year, one is in force with its review overdue, one is fine.
        Files.writeString(folder.resolve("placement-notification.yaml"), placement.replace("until: 2028-12-31", "until: 2026-11-30"));
        Files.writeString(folder.resolve("missing-episode.yaml"), Files.readString(Examples.CONFIG.resolve("agreements/missing-episode.yaml"))
                .replace("from: 2026-01-01", "from: 2027-01-01"));
        Files.writeString(folder.resolve("mash-referral.yaml"), Files.readString(Examples.CONFIG.resolve("agreements/mash-referral.yaml"))
                .replace("reviewDate: 2027-09-30", "reviewDate: 2026-09-30"));
        Files.copy(Examples.CONFIG.resolve("agreements/education-update.yaml"), folder.resolve("education-update.yaml"));
        AgreementLoader loader = new AgreementLoader(events.codes(), partners.stream().map(Partner::id).collect(Collectors.toSet()),
                profiles, new SchemaCheck(Examples.CONFIG.resolve("schema/agreement.schema.json")), fhir);
        Clock december = Clock.fixed(Instant.parse("2026-12-01T09:00:00Z"), ZoneOffset.UTC);

        Logger logger = (Logger) LoggerFactory.getLogger(AgreementRegistry.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        AgreementRegistry registry;
        try {
            registry = new AgreementRegistry(loader, folder, new SimpleMeterRegistry(), audit, december);
            assertThat(lines(appender)).contains(
                    "WARN Agreement placement-notification v1: expired since 2026-12-01 (valid 2026-01-01 to 2026-11-30); review due 2027-09-30",
                    "WARN Agreement missing-episode v1: not yet in force: in force from 2027-01-01 (valid 2027-01-01 to 2028-12-31); review due 2027-09-30",
                    "WARN Agreement mash-referral v1: in force (valid 2026-01-01 to 2028-12-31); review overdue since 2026-09-30",
                    "INFO Agreement education-update v1: in force (valid 2026-01-01 to 2028-12-31); review due 2027-09-30");
            assertThat(lines(appender)).noneMatch(line -> line.contains("in force: ") && line.contains("placement-notification"));

            // and again at each reload
            appender.list.clear();
            Files.writeString(folder.resolve("education-update.yaml"), Files.readString(folder.resolve("education-update.yaml"))
                    .replace("until: 2028-12-31", "until: 2026-10-31"));
            assertThat(registry.reload()).isTrue();
            assertThat(lines(appender)).contains(
                    "WARN Agreement education-update v1: expired since 2026-11-01 (valid 2026-01-01 to 2026-10-31); review due 2027-09-30");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void igUsersSeeEachAgreementsStandingPartiesLawfulBasisAndRulesInWords() throws Exception {
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(DATA_DIR.resolve("pki/ig-users.dev-only.txt"))) {
            passwords.load(in);
        }
        IgClient auditor = IgClient.as("auditor", passwords.getProperty("auditor"), PKI.caCertificate(), baseUrl());
        HttpResponse<String> response = auditor.get("/ig/agreements");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode list = json(response.body());
        JsonNode placement = null;
        for (JsonNode agreement : list) {
            if ("placement-notification".equals(agreement.path("id").asText())) {
                placement = agreement;
            }
            assertThat(agreement.path("standing").asText()).isIn("in-force", "expired", "not-yet-in-force");
            assertThat(agreement.path("statement").asText()).startsWith(agreement.path("id").asText() + " v");
        }
        assertThat(placement).as(response.body()).isNotNull();
        assertThat(placement.path("standing").asText()).isEqualTo("in-force");
        assertThat(placement.path("reviewOverdue").asBoolean()).isFalse();
        assertThat(placement.path("parties").toString()).contains("childrens-services", "health", "virtual-school", "police");
        assertThat(placement.path("lawfulBasis").path("summary").asText()).contains("UK GDPR 6(1)(c)");
        assertThat(placement.path("rules").get(0).path("inWords").asText()).isEqualTo("When childrens-services sends a placement-notification, "
                + "childrens-services (receiving area) receives the elements of profile placement-childrens-services; consent is not required.");
        assertThat(placement.path("rules").toString()).contains("only when");

        assertThat(as("cs-suffolk").get("/ig/agreements").statusCode()).isEqualTo(403);
        assertThat(IgClient.anonymous(PKI.caCertificate(), baseUrl()).get("/ig/agreements").statusCode()).isEqualTo(401);
    }

    private static List<String> lines(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
}
