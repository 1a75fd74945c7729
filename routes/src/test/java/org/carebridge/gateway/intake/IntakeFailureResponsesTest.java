package org.carebridge.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.fhir.FailureOutcomes;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.partner.PartnerCertificateFilter;
import org.carebridge.security.partner.Partner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jms.UncategorizedJmsException;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Intake's answer when storing a record fails for a reason that is not the record's fault: a fault time will fix is a
 * 503 with Retry-After, anything else a 500 with an incident id whose stack trace is in the log, without the message.
 */
class IntakeFailureResponsesTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String NHS_NUMBER = "9434765919";

    private static final int MAX_UNDISPATCHED = 1000;

    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private CamelContext camel;
    private MockMvc mvc;

    @BeforeEach
    void intakeThatFails() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(IntakeRoute.ENDPOINT).process(exchange -> {
                    throw failure.get();
                });
            }
        });
        camel.start();
        OperationOutcomes outcomes = new OperationOutcomes(FHIR);
        CarebridgeProperties properties = new CarebridgeProperties(null, null, null,
                new CarebridgeProperties.Intake(1 << 20, 32, 200, 16, MAX_UNDISPATCHED, java.time.Duration.ofSeconds(20)), null, null);
        ProcessMessageController controller = new ProcessMessageController(camel.createProducerTemplate(), outcomes,
                new GatewayMetrics(new SimpleMeterRegistry()), properties, null, new FailureOutcomes(outcomes), backlog::get);
        mvc = MockMvcBuilders.standaloneSetup(controller).build();
        log.start();
        ((Logger) LoggerFactory.getLogger(FailureOutcomes.class)).addAppender(log);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(FailureOutcomes.class)).detachAppender(log);
        camel.close();
    }

    @Test
    void aBugIsA500WithAnIncidentIdAndItsStackTraceLoggedWithoutMessageContent() throws Exception {
        failure.set(new IllegalStateException("unexpected subject " + NHS_NUMBER, new NumberFormatException(NHS_NUMBER)));

        MockHttpServletResponse response = postMessage();

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getHeader("Retry-After")).isNull();
        JsonNode issue = outcomeIssue(response);
        assertThat(issue.path("code").asText()).isEqualTo("exception");
        String incident = response.getHeader("X-CareBridge-Incident");
        assertThat(incident).isNotBlank();
        assertThat(issue.path("diagnostics").asText()).contains("incident " + incident).doesNotContain(NHS_NUMBER);

        assertThat(log.list).hasSize(1);
        ILoggingEvent line = log.list.get(0);
        assertThat(line.getLevel()).isEqualTo(Level.ERROR);
        assertThat(line.getFormattedMessage())
                .contains("Incident " + incident)
                .contains("java.lang.IllegalStateException")
                .contains("Caused by: java.lang.NumberFormatException")
                .contains("\tat " + IntakeFailureResponsesTest.class.getName())
                .doesNotContain(NHS_NUMBER);
        assertThat(line.getThrowableProxy()).isNull();
    }

    @Test
    void theDatabaseUnavailableIsA503WithRetryAfter() throws Exception {
        failure.set(new CannotGetJdbcConnectionException("no connection", new SQLException("refused", "08001")));
        assertUnavailable(postMessage());
    }

    @Test
    void theDatabaseGoneMidTransactionIsA503EvenWhenItsRollbackFailsToo() throws Exception {
        // as Spring throws it when the statement failed and the rollback found the connection closed
        org.springframework.transaction.TransactionSystemException rollback =
                new org.springframework.transaction.TransactionSystemException("Could not roll back JDBC transaction",
                        new SQLException("Connection is closed"));
        rollback.initApplicationException(new org.springframework.dao.DataAccessResourceFailureException("statement",
                new SQLException("terminating connection due to administrator command", "57P01")));
        failure.set(rollback);
        assertUnavailable(postMessage());
    }

    @Test
    void theBrokerUnavailableIsA503WithRetryAfter() throws Exception {
        failure.set(new UncategorizedJmsException(new jakarta.jms.JMSException("AMQ219010: connection failed")));
        assertUnavailable(postMessage());
    }

    @Test
    void aSerializationFailureIsTransient() throws Exception {
        failure.set(new org.springframework.dao.DataIntegrityViolationException("x", new SQLException("could not serialize", "40001")));
        assertUnavailable(postMessage());
    }

    @Test
    void aBrokerBacklogAboveTheLimitShedsLoadBeforeTheBodyIsRead() throws Exception {
        failure.set(new IllegalStateException("intake must not be reached"));
        backlog.set(MAX_UNDISPATCHED + 1);
        MockHttpServletResponse response = postMessage();
        assertUnavailable(response);
        assertThat(outcomeIssue(response).path("diagnostics").asText()).contains("waiting for delivery");
    }

    private void assertUnavailable(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo(String.valueOf(FailureOutcomes.RETRY_AFTER_SECONDS));
        assertThat(outcomeIssue(response).path("code").asText()).isEqualTo("transient");
        assertThat(log.list).noneMatch(e -> e.getLevel() == Level.ERROR);
    }

    private MockHttpServletResponse postMessage() throws Exception {
        return mvc.perform(post("/fhir/$process-message").contentType("application/fhir+json").content("{}")
                        .requestAttr(PartnerCertificateFilter.PARTNER_ATTRIBUTE, new Partner("cs-suffolk", "x", null, null, null, null)))
                .andReturn().getResponse();
    }

    private static JsonNode outcomeIssue(MockHttpServletResponse response) throws Exception {
        JsonNode outcome = new ObjectMapper().readTree(response.getContentAsString());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        return outcome.path("issue").get(0);
    }
}
