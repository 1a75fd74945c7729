package org.carebridge.security.agreement;

import org.carebridge.security.partner.AgencyKind;

/**
 * One permission within an agreement: for this event, from this kind of sender, to this kind of recipient in this area.
 */
public record SharingRule(String id, String event, AgencyKind senderKind, AgencyKind recipientKind, AreaRole recipientArea) {
}
