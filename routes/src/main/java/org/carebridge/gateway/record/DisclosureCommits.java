package org.carebridge.gateway.record;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Group commit, for delivered copies and for posted records. Each caller waits until its item (a copy's DELIVERED
 * state and DISCLOSED fact; a record) is committed, as before, but items that come while a commit is under way are
 * committed together in the next transaction: one commit and one WAL flush for many items instead of one each. There
 * is no writer thread: the first caller to find nobody writing writes the batch (its own item and whoever queued behind
 * it), then hands the turn to the oldest caller still waiting. If a batch fails, its items are committed one by one, so
 * one bad item fails only itself; unless the failure says that none could be (the database unreachable, say), when
 * every item of the batch fails with it.
 */
final class DisclosureCommits<T> {

    private enum Turn { DONE, WRITE }

    private final class Waiting {
        final T item;
        final CompletableFuture<Turn> turn = new CompletableFuture<>();
        RuntimeException failure;

        Waiting(T item) {
            this.item = item;
        }
    }

    private final Consumer<List<T>> commit;
    private final int maxBatch;
    private final Predicate<RuntimeException> retryAlone;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private boolean writing;

    /** @param commit commits all the items in one transaction, or throws and commits none */
    DisclosureCommits(Consumer<List<T>> commit, int maxBatch) {
        this(commit, maxBatch, e -> true);
    }

    /** @param retryAlone whether the items of a batch that failed so are each committed again alone */
    DisclosureCommits(Consumer<List<T>> commit, int maxBatch, Predicate<RuntimeException> retryAlone) {
        this.commit = commit;
        this.maxBatch = maxBatch;
        this.retryAlone = retryAlone;
    }

    /** Returns once the item is committed; throws what committing it alone threw. */
    void commit(T item) {
        Waiting mine = new Waiting(item);
        boolean write;
        synchronized (queue) {
            queue.add(mine);
            write = !writing;
            writing = true;
        }
        if (!write && awaitTurn(mine) == Turn.DONE) {
            throwIfFailed(mine);
            return;
        }
        List<Waiting> batch = new ArrayList<>();
        synchronized (queue) {
            while (!queue.isEmpty() && batch.size() < maxBatch) {
                batch.add(queue.poll());
            }
        }
        try {
            write(batch);
        } catch (Error e) {
            batch.forEach(w -> w.failure = new IllegalStateException("commit failed", e));
            throw e;
        } finally {
            synchronized (queue) {
                Waiting next = queue.peek();
                if (next == null) {
                    writing = false;
                } else {
                    next.turn.complete(Turn.WRITE);
                }
            }
            for (Waiting w : batch) {
                if (w != mine) {
                    w.turn.complete(Turn.DONE);
                }
            }
        }
        throwIfFailed(mine);
    }

    /** Callers waiting for their turn (not counting a batch being written). */
    int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    private void write(List<Waiting> batch) {
        try {
            commit.accept(batch.stream().map(w -> w.item).toList());
            return;
        } catch (RuntimeException e) {
            if (batch.size() == 1 || !retryAlone.test(e)) {
                batch.forEach(w -> w.failure = e);
                return;
            }
        }
        for (Waiting w : batch) {
            try {
                commit.accept(List.of(w.item));
            } catch (RuntimeException e) {
                w.failure = e;
            }
        }
    }

    private Turn awaitTurn(Waiting mine) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return mine.turn.get();
                } catch (InterruptedException e) {
                    // the copy is already queued for commit: wait for the outcome, then restore the interrupt
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void throwIfFailed(Waiting mine) {
        if (mine.failure != null) {
            throw mine.failure;
        }
    }
}
