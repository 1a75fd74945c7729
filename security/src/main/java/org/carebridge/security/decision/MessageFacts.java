package org.carebridge.security.decision;

import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.Bundle;

import java.time.Instant;
import java.util.List;

/**
 * What a decision is made on.
 *
 * @param responsibleArea the responsible (placing, home) authority's area code
 * @param receivingArea the area the child is placed in, or null when the message does not say
 * @param subjects the identifiers of the child or care leaver the message is about
 * @param override the sender's safeguarding override, or null
 * @param at when the decision is made (consent and agreement validity are judged at this moment)
 */
public record MessageFacts(String event, Partner sender, String responsibleArea, String receivingArea, Bundle bundle,
                           List<SubjectIdentifier> subjects, SafeguardingOverride override, Instant at) {
}
