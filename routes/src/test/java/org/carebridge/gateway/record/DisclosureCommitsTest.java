package org.carebridge.gateway.record;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DisclosureCommitsTest {

    private final List<List<String>> transactions = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstCommitHeld = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    private void commit(List<String> items) {
        if (items.contains("first")) {
            firstCommitHeld.countDown();
            awaitLatch(releaseFirst);
        }
        if (items.contains("bad")) {
            throw new IllegalStateException("cannot commit bad");
        }
        transactions.add(items);
    }

    @Test
    void copiesFinishingDuringACommitShareTheNextOne() throws Exception {
        DisclosureCommits<String> commits = new DisclosureCommits<>(this::commit, 64);
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            Future<?> first = callers.submit(() -> commits.commit("first"));
            awaitLatch(firstCommitHeld);
            List<Future<?>> later = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String item = "copy-" + i;
                later.add(callers.submit(() -> commits.commit(item)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> commits.queued() == 5);
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> f : later) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(transactions).hasSize(2);
        assertThat(transactions.get(0)).containsExactly("first");
        assertThat(transactions.get(1)).containsExactlyInAnyOrder("copy-0", "copy-1", "copy-2", "copy-3", "copy-4");
    }

    @Test
    void aCopyThatCannotCommitFailsOnlyItself() throws Exception {
        DisclosureCommits<String> commits = new DisclosureCommits<>(this::commit, 64);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<?> first = callers.submit(() -> commits.commit("first"));
            awaitLatch(firstCommitHeld);
            Future<?> good = callers.submit(() -> commits.commit("good"));
            Future<?> bad = callers.submit(() -> commits.commit("bad"));
            Future<?> alsoGood = callers.submit(() -> commits.commit("also-good"));
            await().atMost(Duration.ofSeconds(10)).until(() -> commits.queued() == 3);
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            good.get(10, TimeUnit.SECONDS);
            alsoGood.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot commit bad");
        } finally {
            callers.shutdownNow();
        }
        assertThat(transactions).containsExactlyInAnyOrder(List.of("first"), List.of("good"), List.of("also-good"));
    }

    @Test
    void aBatchNoneOfWhoseItemsCouldCommitFailsThemAllWithoutCommittingEachAgain() throws Exception {
        List<List<String>> attempts = Collections.synchronizedList(new ArrayList<>());
        DisclosureCommits<String> commits = new DisclosureCommits<>(items -> {
            attempts.add(items);
            if (items.contains("first")) {
                commit(items);
                return;
            }
            throw new IllegalStateException("database unreachable");
        }, 64, e -> !e.getMessage().contains("unreachable"));
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<?> first = callers.submit(() -> commits.commit("first"));
            awaitLatch(firstCommitHeld);
            List<Future<?>> later = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String item = "record-" + i;
                later.add(callers.submit(() -> commits.commit(item)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> commits.queued() == 3);
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> f : later) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasMessageContaining("database unreachable");
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1)).containsExactlyInAnyOrder("record-0", "record-1", "record-2");
    }

    @Test
    void batchesAreBounded() throws Exception {
        DisclosureCommits<String> commits = new DisclosureCommits<>(this::commit, 2);
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            Future<?> first = callers.submit(() -> commits.commit("first"));
            awaitLatch(firstCommitHeld);
            List<Future<?>> later = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String item = "copy-" + i;
                later.add(callers.submit(() -> commits.commit(item)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> commits.queued() == 5);
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> f : later) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(transactions).hasSize(4);
        assertThat(transactions.subList(1, 4)).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(2));
        assertThat(transactions.stream().mapToInt(List::size).sum()).isEqualTo(6);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
