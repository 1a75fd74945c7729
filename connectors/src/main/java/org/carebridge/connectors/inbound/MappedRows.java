package org.carebridge.connectors.inbound;

import org.carebridge.connectors.ssda903.RowOutcome;

/** Hands one mapped row to the governed intake and says, in intake's own words, what became of it. */
final class MappedRows {

    private MappedRows() {
    }

    /** @param via how the row came, for the ledger: format, file digest, table and line; no personal data */
    static Acknowledgement.Line pass(GovernedIntake intake, String senderId, RowOutcome row, String via) {
        return line(row, row.status() == RowOutcome.Status.MAPPED ? intake.submit(senderId, row.bundle(), via) : null);
    }

    /** @param receipt what intake did with a mapped row; null for a row that was not mapped */
    static Acknowledgement.Line line(RowOutcome row, GovernedIntake.Receipt receipt) {
        if (row.status() != RowOutcome.Status.MAPPED) {
            return new Acknowledgement.Line(row.table(), row.line(), Acknowledgement.Outcome.valueOf(row.status().name()),
                    row.column(), row.detail(), null, null, null);
        }
        return switch (receipt.outcome()) {
            case ACCEPTED -> new Acknowledgement.Line(row.table(), row.line(), Acknowledgement.Outcome.ACCEPTED, null,
                    "accepted for " + receipt.recipients() + " recipient(s)", row.event(), row.messageId(), receipt.trackingId());
            case DUPLICATE -> new Acknowledgement.Line(row.table(), row.line(), Acknowledgement.Outcome.DUPLICATE, null,
                    "already accepted; not stored again", row.event(), row.messageId(), receipt.trackingId());
            case REFUSED -> new Acknowledgement.Line(row.table(), row.line(), Acknowledgement.Outcome.REFUSED, null,
                    "intake refused it (" + receipt.reason() + "): " + receipt.detail(), row.event(), row.messageId(), null);
        };
    }

    /** {@code sha256:} and the first 16 hex digits: enough to find the file's FILE_RECEIVED entry. */
    static String shortDigest(String digest) {
        return digest.substring(0, Math.min(digest.length(), 23));
    }
}
