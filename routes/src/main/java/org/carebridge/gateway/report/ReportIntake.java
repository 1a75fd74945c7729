package org.carebridge.gateway.report;

import org.carebridge.gateway.record.StoredRecord;

/**
 * Where the monthly report is handed in as a message from the gateway itself. Owned here and implemented by intake,
 * so the report is submitted through the same governed way as a partner's record without using intake's classes.
 */
public interface ReportIntake {

    /** @throws org.carebridge.gateway.fhir.IntakeRejected when intake refuses the message, as it would a partner's */
    StoredRecord submit(byte[] fhirJson);
}
