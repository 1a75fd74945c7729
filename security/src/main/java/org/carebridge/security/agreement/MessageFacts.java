package org.carebridge.security.agreement;

import org.carebridge.security.partner.Partner;

/**
 * What the decision needs to know about a message: its event, who sent it, and the areas it concerns.
 *
 * @param responsibleArea the responsible (placing) authority's area code
 * @param receivingArea the area the child is placed in, if the message says
 */
public record MessageFacts(String event, Partner sender, String responsibleArea, String receivingArea) {
}
