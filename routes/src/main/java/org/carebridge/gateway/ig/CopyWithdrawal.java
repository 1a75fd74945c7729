package org.carebridge.gateway.ig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.partner.GatewayTaskMessage;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.partner.Partner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What follows an override information governance did not agree: its recipient is told to delete its copy. The
 * {@code copy-withdrawal} message is the gateway's own record, put through intake like a clock-breach alert (through
 * {@link WithdrawalIntake}, a port this package owns), so it is
 * decided under its agreement (copy-withdrawal.yaml), sealed, delivered and in the ledger like any share. It is a Task
 * naming the copy by its message id and event, nothing about the child; its message id derives from the override, so a
 * retry (after a crash, or from a second node) stores and sends nothing twice.
 */
@Component
public class CopyWithdrawal {

    public static final String EVENT = "copy-withdrawal";
    public static final String MESSAGE_ID_SYSTEM = "https://carebridge.example.org/fhir/NamingSystem/message-id";
    public static final String REVIEW_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/override-review";

    private static final Logger log = LoggerFactory.getLogger(CopyWithdrawal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WithdrawalIntake intake;
    private final EventCatalogue events;
    private final JdbcTemplate jdbc;
    private final AuditTrail audit;

    public CopyWithdrawal(WithdrawalIntake intake, EventCatalogue events, JdbcTemplate jdbc, AuditTrail audit) {
        this.intake = intake;
        this.events = events;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** One not-agreed override whose recipient is not yet told. */
    record Due(UUID overrideId, UUID trackingId, String recipient, String messageId, String event) {
    }

    public static String messageId(UUID overrideId) {
        return "copy-withdrawal-" + overrideId;
    }

    /** Tells the recipient of one not-agreed override to delete its copy; empty when it was told before. */
    public java.util.Optional<UUID> send(UUID overrideId) {
        return due(overrideId).stream().findFirst().map(this::send);
    }

    /** Every not-agreed override whose withdrawal is not yet stored (a send that failed is retried here). */
    public int sendOutstanding() {
        int sent = 0;
        for (Due due : due(null)) {
            try {
                send(due);
                sent++;
            } catch (RuntimeException e) {
                log.warn("Could not send the copy-withdrawal for override {} to {} ({}); retried later", due.overrideId(), due.recipient(),
                        e.getClass().getSimpleName());
            }
        }
        return sent;
    }

    private List<Due> due(UUID overrideId) {
        return jdbc.query("""
                select o.override_id, o.tracking_id, o.recipient, r.message_id, r.event
                from override_review o join intake_record r using (tracking_id)
                where o.status = 'NOT_AGREED' and o.withdrawal_tracking_id is null and (?::uuid is null or o.override_id = ?)
                order by o.reviewed_at limit 100""",
                (rs, i) -> new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4), rs.getString(5)),
                overrideId, overrideId);
    }

    private UUID send(Due due) {
        StoredRecord stored;
        try {
            stored = intake.submit(message(due, Instant.now()));
        } catch (IntakeRejected rejected) {
            throw new IllegalStateException("the gateway's own copy-withdrawal was refused at intake: " + rejected.reason(), rejected);
        }
        int marked = jdbc.update("update override_review set withdrawal_tracking_id = ? where override_id = ? and withdrawal_tracking_id is null",
                stored.trackingId(), due.overrideId());
        if (marked == 1) {
            audit.record(AuditFact.of(AuditKind.OVERRIDE_REVIEWED, "gateway", "override-review").tracking(due.trackingId().toString())
                    .recipient(due.recipient()).outcome("withdrawal-sent", "override " + due.overrideId() + " withdrawal-record "
                            + stored.trackingId() + (stored.deliveries().isEmpty() && !stored.duplicate() ? " not-permitted" : "")));
            if (stored.deliveries().isEmpty() && !stored.duplicate()) {
                log.warn("No agreement permits the copy-withdrawal for override {} to {}; see its decisions", due.overrideId(), due.recipient());
            }
        }
        return stored.trackingId();
    }

    byte[] message(Due due, Instant now) {
        GatewayTaskMessage message = GatewayTaskMessage.of(messageId(due.overrideId()), now, events.system(), EVENT,
                due.recipient(), "withdrawal-" + due.overrideId());
        ObjectNode bundle = message.bundle();
        ObjectNode task = message.task();
        task.put("status", "requested");
        task.put("intent", "order");
        ObjectNode code = task.putObject("code").putArray("coding").addObject();
        code.put("system", events.system());
        code.put("code", due.event());
        ObjectNode businessStatus = task.putObject("businessStatus");
        ObjectNode state = businessStatus.putArray("coding").addObject();
        state.put("system", REVIEW_SYSTEM);
        state.put("code", "delete-copy");
        businessStatus.put("text", "Delete your copy of message " + due.messageId() + ": it was shared on a safeguarding override that "
                + "information governance did not agree");
        ObjectNode reason = task.putObject("reasonCode").putArray("coding").addObject();
        reason.put("system", REVIEW_SYSTEM);
        reason.put("code", "not-agreed");
        ObjectNode focus = task.putObject("focus");
        focus.put("type", "Bundle");
        ObjectNode identifier = focus.putObject("identifier");
        identifier.put("system", MESSAGE_ID_SYSTEM);
        identifier.put("value", due.messageId());
        task.put("authoredOn", now.toString());
        ObjectNode input = task.putArray("input").addObject();
        ObjectNode type = input.putObject("type");
        type.put("text", "tracking-id");
        input.put("valueString", due.trackingId().toString());
        try {
            return JSON.writeValueAsBytes(bundle);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a copy-withdrawal", e);
        }
    }
}
