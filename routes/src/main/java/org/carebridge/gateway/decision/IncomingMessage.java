package org.carebridge.gateway.decision;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.security.decision.SafeguardingOverride;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.Bundle;

import java.time.Instant;

/**
 * A message that passed intake checks: a FHIR message Bundle from the partner it says it is from.
 *
 * @param json the body's JSON tree as read at intake, shared by the stages after it; not to be modified
 * @param override the sender's safeguarding override, or null
 * @param protection how the body reached the gateway (signed, encrypted, plain), or null when the gateway made it
 */
public record IncomingMessage(Partner sender, String messageId, String event, Bundle bundle, byte[] body, JsonNode json,
                              Instant receivedAt,
                              SafeguardingOverride override, String protection) {
}
