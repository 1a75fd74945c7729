package org.carebridge.gateway.clock;

import org.carebridge.gateway.record.StoredRecord;

/**
 * Where a clock-breach alert is handed in as a message from the gateway itself. Owned here and implemented by intake,
 * so the clocks submit through the same governed way as a partner's record without using intake's classes.
 */
public interface AlertIntake {

    /** @throws org.carebridge.gateway.fhir.IntakeRejected when intake refuses the message, as it would a partner's */
    StoredRecord submit(byte[] fhirJson);
}
