package org.carebridge.gateway.agreement;

/** One version of an agreement, as a copy records the agreement it is shared under. */
public record AgreementRef(String id, int version) {
}
