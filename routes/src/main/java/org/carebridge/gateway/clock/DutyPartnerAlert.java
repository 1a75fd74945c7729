package org.carebridge.gateway.clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.partner.GatewayTaskMessage;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.partner.Partner;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.UUID;

/**
 * Tells a duty partner that a record's deadline has passed: a {@code clock-breach-alert} message from the gateway
 * itself, put through the normal intake route, so it is decided under its agreement (clock-breach-alert.yaml),
 * minimised, stored, delivered and audited like any partner's record. The message id is derived from the late record's
 * tracking id, so sending it again (after a crash, or from a second node) stores and delivers nothing twice.
 *
 * <p>The alert is a Task about the late record: its tracking id (focus), event (code), clock rule (reasonCode), start
 * and deadline (restriction.period), and the partner ids still waiting (input). Nothing about the child.
 */
@Component
public class DutyPartnerAlert {

    public static final String EVENT = ClockRules.BREACH_ALERT_EVENT;
    public static final String TRACKING_ID_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/tracking-id";
    public static final String CLOCK_RULE_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/clock-rule";
    public static final String CLOCK_STATE_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/clock-state";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertIntake intake;
    private final EventCatalogue events;
    private final GatewayMetrics metrics;
    private final Partner gateway = Partner.gateway();

    public DutyPartnerAlert(AlertIntake intake, EventCatalogue events, GatewayMetrics metrics) {
        this.intake = intake;
        this.events = events;
        this.metrics = metrics;
    }

    public static String messageId(UUID lateRecord) {
        return "clock-breach-" + lateRecord;
    }

    /** @return the alert record as stored (or as already stored, when it was sent before) */
    public StoredRecord send(ClockEvent breach, Instant now) {
        byte[] body = message(breach, now);
        StoredRecord stored;
        try {
            stored = intake.submit(body);
        } catch (IntakeRejected rejected) {
            throw new IllegalStateException("the gateway's own clock-breach-alert was refused at intake: " + rejected.reason(), rejected);
        }
        if (!stored.duplicate()) {
            metrics.received(gateway.id(), EVENT);
        }
        return stored;
    }

    byte[] message(ClockEvent breach, Instant now) {
        GatewayTaskMessage message = GatewayTaskMessage.of(messageId(breach.trackingId()), now, events.system(), EVENT, breach.dutyPartner(), breach.trackingId().toString());
        ObjectNode bundle = message.bundle();
        ObjectNode task = message.task();
        task.put("status", "requested");
        task.put("intent", "proposal");
        ObjectNode code = task.putObject("code").putArray("coding").addObject();
        code.put("system", events.system());
        code.put("code", breach.event());
        ObjectNode businessStatus = task.putObject("businessStatus");
        ObjectNode state = businessStatus.putArray("coding").addObject();
        state.put("system", CLOCK_STATE_SYSTEM);
        state.put("code", "breached");
        businessStatus.put("text", "Deadline passed; " + breach.breachStatement());
        ObjectNode rule = task.putObject("reasonCode").putArray("coding").addObject();
        rule.put("system", CLOCK_RULE_SYSTEM);
        rule.put("code", breach.ruleId());
        ObjectNode focus = task.putObject("focus");
        focus.put("type", "Bundle");
        ObjectNode trackingId = focus.putObject("identifier");
        trackingId.put("system", TRACKING_ID_SYSTEM);
        trackingId.put("value", breach.trackingId().toString());
        task.put("authoredOn", now.toString());
        ObjectNode period = task.putObject("restriction").putObject("period");
        period.put("start", breach.startedAt().toString());
        period.put("end", breach.deadline().toString());
        ArrayNode inputs = task.putArray("input");
        for (String waiting : breach.outstanding()) {
            ObjectNode input = inputs.addObject();
            input.putObject("type").put("text", "outstanding-recipient");
            input.put("valueString", waiting);
        }
        if (breach.deliveredAt() != null) {
            ObjectNode input = inputs.addObject();
            ObjectNode type = input.putObject("type");
            ObjectNode coding = type.putArray("coding").addObject();
            coding.put("system", CLOCK_STATE_SYSTEM);
            coding.put("code", "delivered-late");
            type.put("text", "delivered late");
            input.put("valueDateTime", breach.deliveredAt().toString());
        }
        if (inputs.isEmpty()) {
            task.remove("input");
        }
        try {
            return JSON.writeValueAsBytes(bundle);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a clock-breach-alert", e);
        }
    }
}
