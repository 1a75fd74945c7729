package org.carebridge.connectors.inbound;

import org.carebridge.connectors.ssda903.RowOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The rows of a file on their way to the governed intake, a batch at a time: mapped rows are handed over together
 * ({@link GovernedIntake#submitAll}), so the gateway can store several records in one transaction, and every row's
 * line goes into the acknowledgement in file order. Holds at most one batch of mapped rows (and the unmapped rows
 * between them).
 */
final class RowBatch implements Consumer<RowOutcome> {

    /** Mapped rows handed to intake at a time: enough to share a commit, few enough to keep memory flat. */
    static final int SIZE = 200;

    private final GovernedIntake intake;
    private final String senderId;
    private final Function<RowOutcome, String> via;
    private final Acknowledgement ack;
    private final List<RowOutcome> rows = new ArrayList<>();
    private int mapped;

    /** @param via how a row came, for the ledger: format, file digest, table and line; no personal data */
    RowBatch(GovernedIntake intake, String senderId, Function<RowOutcome, String> via, Acknowledgement ack) {
        this.intake = intake;
        this.senderId = senderId;
        this.via = via;
        this.ack = ack;
    }

    @Override
    public void accept(RowOutcome row) {
        rows.add(row);
        if (row.status() == RowOutcome.Status.MAPPED && ++mapped >= SIZE) {
            flush();
        }
    }

    /** Hands over what is held; call once the file has been read to its end. */
    void flush() {
        List<GovernedIntake.Submission> submissions = new ArrayList<>(mapped);
        for (RowOutcome row : rows) {
            if (row.status() == RowOutcome.Status.MAPPED) {
                submissions.add(new GovernedIntake.Submission(row.bundle(), via.apply(row)));
            }
        }
        List<GovernedIntake.Receipt> receipts = submissions.isEmpty() ? List.of() : intake.submitAll(senderId, submissions);
        if (receipts.size() != submissions.size()) {
            throw new IllegalStateException("intake answered " + receipts.size() + " of " + submissions.size() + " messages");
        }
        int next = 0;
        for (RowOutcome row : rows) {
            ack.add(row.status() == RowOutcome.Status.MAPPED ? MappedRows.line(row, receipts.get(next++)) : MappedRows.line(row, null));
        }
        rows.clear();
        mapped = 0;
    }
}
