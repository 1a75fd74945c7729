package org.carebridge.connectors.inbound;

import org.hl7.fhir.r4.model.Bundle;

import java.util.List;

/**
 * The port every inbound adapter ends at: a canonical FHIR message Bundle, from the partner the adapter authenticated
 * (the partner configured for that folder or mailbox), goes the same governed way as {@code POST /fhir/$process-message}:
 * checked, decided under the agreements, minimised, sealed, stored and audited. An adapter has no other way in, so no
 * adapter can bypass a decision. The gateway implements it; adapters only call it.
 */
public interface GovernedIntake {

    /**
     * @param partnerId the authenticated sender; the message's {@code MessageHeader.source} must name it
     * @param via       how the message came, for the ledger's RECEIVED entry (no personal data: format, file, line)
     * @return what intake did; a refusal is an answer, not an exception
     * @throws RuntimeException when the gateway could not store the message (nothing of it was stored; send it again)
     */
    Receipt submit(String partnerId, Bundle message, String via);

    /**
     * Several messages of one file, each still its own record, decided, stored and audited on its own, with its own
     * receipt, in the order given. The gateway may store them in fewer transactions; each record is then stored whole
     * or not at all, and one that cannot be stored never costs another its place. A file's next batch may be handed
     * over while one is still being taken, so an implementation takes calls from several threads at once.
     *
     * @throws RuntimeException when the gateway could not store one of them: those before it may be stored (send the
     *                          file again; what is stored is recognised by its message id and not stored twice)
     */
    default List<Receipt> submitAll(String partnerId, List<Submission> messages) {
        return messages.stream().map(m -> submit(partnerId, m.message(), m.via())).toList();
    }

    /** One mapped message of a file and how it came ({@code via}, as for {@link #submit}). */
    record Submission(Bundle message, String via) {
    }

    /**
     * Records a whole file's outcome in the ledger (each accepted row is already its own record).
     *
     * @param fileDigest the file by its content ({@code sha256:...}), never by its name, which could name a child
     * @param summary    row counts, or why the file was refused; no value from the file
     */
    void fileProcessed(String partnerId, String fileDigest, String outcome, String summary);

    /** What intake did with one message. {@code reason} and {@code detail} are intake's own words, safe to pass back. */
    record Receipt(Outcome outcome, String trackingId, int recipients, String reason, String detail) {

        public enum Outcome { ACCEPTED, DUPLICATE, REFUSED }

        public static Receipt accepted(String trackingId, int recipients) {
            return new Receipt(Outcome.ACCEPTED, trackingId, recipients, null, null);
        }

        public static Receipt duplicate(String trackingId) {
            return new Receipt(Outcome.DUPLICATE, trackingId, 0, null, null);
        }

        public static Receipt refused(String reason, String detail) {
            return new Receipt(Outcome.REFUSED, null, 0, reason, detail);
        }
    }
}
