package org.carebridge.connectors.inbound;

import org.carebridge.connectors.ssda903.RowOutcome;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The rows of a file on their way to the governed intake, a batch at a time: mapped rows are handed over together
 * ({@link GovernedIntake#submitAll}), so the gateway can store several records in one transaction, and every row's
 * line goes into the acknowledgement in file order. While intake takes a batch, the next is read and mapped, and
 * handed over too, so one batch can be decided while the one before it is stored: at most {@link #IN_FLIGHT} batches
 * are with intake at a time, and the file's reading waits for the oldest before it hands over another. Holds at most
 * that many batches of mapped rows (and the unmapped rows between them) besides the one being read.
 */
final class RowBatch implements Consumer<RowOutcome>, AutoCloseable {

    /** Mapped rows handed to intake at a time: enough to share a commit, few enough to keep memory flat. */
    static final int SIZE = 200;

    /** Batches with intake at once: one being stored while the next is decided. */
    static final int IN_FLIGHT = 2;

    private final GovernedIntake intake;
    private final String senderId;
    private final Function<RowOutcome, String> via;
    private final Acknowledgement ack;
    private final List<RowOutcome> rows = new ArrayList<>();
    private final Deque<HandedOver> handedOver = new ArrayDeque<>();
    private final ExecutorService handing;
    private int mapped;

    /** @param via how a row came, for the ledger: format, file digest, table and line; no personal data */
    RowBatch(GovernedIntake intake, String senderId, Function<RowOutcome, String> via, Acknowledgement ack) {
        this.intake = intake;
        this.senderId = senderId;
        this.via = via;
        this.ack = ack;
        this.handing = Executors.newFixedThreadPool(IN_FLIGHT, task -> {
            Thread thread = new Thread(task, "file-handover");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void accept(RowOutcome row) {
        rows.add(row);
        if (row.status() == RowOutcome.Status.MAPPED && ++mapped >= SIZE) {
            handOver();
        }
    }

    /** Hands over what is held and waits for every answer; call once the file has been read to its end. */
    void flush() {
        handOver();
        while (!handedOver.isEmpty()) {
            answerOldest();
        }
    }

    /** Waits for whatever intake still has (so nothing is stored after the file's answer), then stops the threads. */
    @Override
    public void close() {
        for (HandedOver batch : handedOver) {
            batch.receipts().exceptionally(e -> null).join();
        }
        handedOver.clear();
        handing.shutdown();
    }

    private record HandedOver(List<RowOutcome> rows, int mapped, CompletableFuture<List<GovernedIntake.Receipt>> receipts) {
    }

    private void handOver() {
        if (rows.isEmpty()) {
            return;
        }
        List<GovernedIntake.Submission> submissions = new ArrayList<>(mapped);
        for (RowOutcome row : rows) {
            if (row.status() == RowOutcome.Status.MAPPED) {
                submissions.add(new GovernedIntake.Submission(row.bundle(), via.apply(row)));
            }
        }
        while (handedOver.size() >= IN_FLIGHT) {
            answerOldest();
        }
        CompletableFuture<List<GovernedIntake.Receipt>> receipts = submissions.isEmpty()
                ? CompletableFuture.completedFuture(List.of())
                : CompletableFuture.supplyAsync(() -> intake.submitAll(senderId, submissions), handing);
        handedOver.add(new HandedOver(List.copyOf(rows), submissions.size(), receipts));
        rows.clear();
        mapped = 0;
    }

    private void answerOldest() {
        HandedOver batch = handedOver.peek();
        List<GovernedIntake.Receipt> receipts;
        try {
            receipts = batch.receipts().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        handedOver.remove();
        if (receipts.size() != batch.mapped()) {
            throw new IllegalStateException("intake answered " + receipts.size() + " of " + batch.mapped() + " messages");
        }
        int next = 0;
        for (RowOutcome row : batch.rows()) {
            ack.add(row.status() == RowOutcome.Status.MAPPED ? MappedRows.line(row, receipts.get(next++)) : MappedRows.line(row, null));
        }
    }
}
