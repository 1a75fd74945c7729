package org.carebridge.security.agreement;

import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;

/** A sender or recipient in a rule: one partner by id, or every partner of a kind (in an area, for recipients). */
public record PartySelector(String partnerId, AgencyKind kind, AreaRole area) {

    public boolean matches(Partner partner) {
        return partnerId != null ? partnerId.equals(partner.id()) : partner.kind() == kind;
    }

    public String describe() {
        return partnerId != null ? "partner " + partnerId : kind.code() + (area == null || area == AreaRole.ANY ? "" : " (" + area.code() + " area)");
    }
}
