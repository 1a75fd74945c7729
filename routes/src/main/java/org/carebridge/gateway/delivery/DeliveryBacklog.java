package org.carebridge.gateway.delivery;

/** Stored copies not yet handed to the broker: what intake watches to shed load during a broker outage. */
@FunctionalInterface
public interface DeliveryBacklog {

    long undispatched();
}
