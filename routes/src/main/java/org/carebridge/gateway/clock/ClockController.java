package org.carebridge.gateway.clock;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.ig.IgRole;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clocks on the information-governance view ({@code /ig/**}, IG users only): each record's deadline, state and the
 * partners still waiting. Metadata only; the call is itself audited.
 */
@RestController
public class ClockController {

    private static final int DEFAULT_COUNT = 200;
    private static final int MAX_COUNT = 1000;

    private final RecordClocks clocks;
    private final AuditTrail audit;
    private final OperationOutcomes outcomes;

    ClockController(RecordClocks clocks, AuditTrail audit, OperationOutcomes outcomes) {
        this.clocks = clocks;
        this.audit = audit;
        this.outcomes = outcomes;
    }

    @GetMapping("/ig/clocks")
    public ResponseEntity<?> clocks(@RequestParam(name = "state", required = false) String state,
                                    @RequestParam(name = "_count", required = false) String count, Authentication user) {
        ClockState wanted = null;
        int limit = DEFAULT_COUNT;
        try {
            if (state != null) {
                wanted = ClockState.valueOf(state);
            }
            if (count != null) {
                limit = Integer.parseInt(count);
                if (limit < 1 || limit > MAX_COUNT) {
                    throw new NumberFormatException();
                }
            }
        } catch (IllegalArgumentException e) {
            read(user, "refused=400");
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.INVALID, "state must be one of "
                    + Arrays.toString(ClockState.values()) + " and _count a number from 1 to " + MAX_COUNT);
        }
        List<ClockView> found = clocks.list(wanted, limit);
        read(user, "state=" + (wanted == null ? "any" : wanted) + " results=" + found.size());
        List<Map<String, Object>> items = new ArrayList<>();
        for (ClockView clock : found) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("trackingId", clock.trackingId().toString());
            item.put("event", clock.event());
            item.put("rule", clock.ruleId());
            item.put("startSource", clock.startSource());
            item.put("started", text(clock.startedAt()));
            item.put("deadline", text(clock.deadline()));
            item.put("state", clock.state());
            item.put("warnedAt", text(clock.warnedAt()));
            item.put("breachedAt", text(clock.breachedAt()));
            item.put("stoppedAt", text(clock.stoppedAt()));
            item.put("breached", clock.breachedAt() != null);
            item.put("deliveredLate", clock.breachedAt() != null && clock.stoppedAt() != null);
            item.put("outstandingRecipients", clock.outstanding());
            item.put("dutyPartner", clock.dutyPartner());
            item.put("alertTrackingId", clock.alertTrackingId() == null ? null : clock.alertTrackingId().toString());
            items.add(item);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(items);
    }

    private void read(Authentication user, String summary) {
        audit.record(AuditFact.of(AuditKind.AUDIT_READ, user.getName(), IgRole.of(user)).outcome("GET /ig/clocks", summary));
    }

    private static String text(Instant time) {
        return time == null ? null : time.toString();
    }
}
