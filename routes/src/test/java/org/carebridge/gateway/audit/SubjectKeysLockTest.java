package org.carebridge.gateway.audit;

import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.consent.SubjectIdentifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Records about the same child keep its identifiers without waiting for one another, and erasure still waits for them. */
class SubjectKeysLockTest extends GatewayTest {

    @Autowired
    SubjectKeys subjectKeys;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void twoRecordsAboutOneChildDoNotWaitForEachOtherAndErasureWaitsForBoth() throws Exception {
        SubjectIdentifier child = new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "94" + (System.nanoTime() % 100_000_000L));
        String key = subjectKeys.keyOf(child);
        subjectKeys.keep(List.of(child));

        CountDownLatch firstHolds = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(s -> {
            subjectKeys.keep(List.of(child));
            firstHolds.countDown();
            waitFor(release);
        }));
        assertThat(firstHolds.await(30, TimeUnit.SECONDS)).isTrue();
        try {
            // the second record's transaction finishes while the first is still open
            CompletableFuture<List<String>> second = CompletableFuture.supplyAsync(
                    () -> transaction.execute(s -> subjectKeys.keep(List.of(child))));
            await().atMost(Duration.ofSeconds(20)).until(second::isDone);
            assertThat(second.get()).containsExactly(key);

            // erasure's lock for update waits for the open record
            CompletableFuture<Integer> erasure = CompletableFuture.supplyAsync(() -> transaction.execute(s -> jdbc.queryForList(
                    "select subject_key from audit_subject_value where subject_key = ? for update", String.class, key).size()));
            await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("""
                    select count(*) from pg_stat_activity where wait_event_type = 'Lock'
                    and query like '%audit_subject_value%for update'""", Long.class) == 1);
            assertThat(erasure).isNotDone();
            release.countDown();
            assertThat(erasure.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            release.countDown();
            first.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void anErasedIdentifierIsKeptAgainByTheNextRecordAboutTheChild() {
        SubjectIdentifier child = new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "95" + (System.nanoTime() % 100_000_000L));
        String key = subjectKeys.keyOf(child);
        subjectKeys.keep(List.of(child));
        jdbc.update("delete from audit_subject_value where subject_key = ?", key);
        transaction.executeWithoutResult(s -> subjectKeys.keep(List.of(child)));
        assertThat(subjectKeys.identifiers(List.of(key))).containsEntry(key, child);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
