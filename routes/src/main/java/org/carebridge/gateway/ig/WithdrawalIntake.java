package org.carebridge.gateway.ig;

import org.carebridge.gateway.record.StoredRecord;

/**
 * Where a copy-withdrawal is handed in as a message from the gateway itself. Owned here and implemented by intake, so IG
 * submits through the same governed way as a partner's record without using intake's classes.
 */
public interface WithdrawalIntake {

    /** @throws org.carebridge.gateway.fhir.IntakeRejected when intake refuses the message, as it would a partner's */
    StoredRecord submit(byte[] fhirJson);
}
