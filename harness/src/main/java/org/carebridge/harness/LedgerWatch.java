package org.carebridge.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Samples the gateway's audit ledger from its database twice a second: facts waiting in the outbox to be chained, the
 * age of the oldest, entries chained, and the latest signed checkpoint (its tree size and time). A phase's window of
 * samples says whether the ledger writer kept up and whether checkpoints came on schedule: every
 * {@code checkpointEvery} entries (a chain batch may overshoot by up to {@code batch}) or {@code interval}.
 */
final class LedgerWatch implements AutoCloseable {

    /** One look at the ledger; {@code dbMillis} is the database's clock, {@code nanos} this machine's monotonic one. */
    record Sample(long nanos, long dbMillis, long backlog, long oldestMillis, long entries, long checkpointed,
                  long checkpointedAtMillis) {
        long unsigned() {
            return entries - checkpointed;
        }
    }

    /** What a phase's window of samples shows. */
    record Window(int samples, long maxBacklog, long maxOldestMillis, long maxUnsigned, long maxUnsignedAgeMillis,
                  long entriesChained, long checkpoints, Sample atEnd, long drainMillis, boolean onSchedule) {
    }

    private static final String QUERY = """
            select (select count(*) from audit_outbox),
                   (select coalesce((extract(epoch from now() - min(entry_time)) * 1000)::bigint, 0) from audit_outbox),
                   (select coalesce(max(seq), 0) from audit_entry),
                   (select coalesce(max(tree_size), 0) from audit_checkpoint),
                   (select coalesce((extract(epoch from max(created_at)) * 1000)::bigint, 0) from audit_checkpoint),
                   (extract(epoch from now()) * 1000)::bigint""";

    private final Connection connection;
    private final long checkpointEvery;
    private final long batch;
    private final long intervalMillis;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    LedgerWatch(String jdbcUrl, long checkpointEvery, long batch, long intervalMillis) throws SQLException {
        this.connection = DriverManager.getConnection(jdbcUrl);
        this.checkpointEvery = checkpointEvery;
        this.batch = batch;
        this.intervalMillis = intervalMillis;
        sampler = new Thread(() -> {
            while (running) {
                try {
                    Sample sample = sample();
                    synchronized (samples) {
                        samples.add(sample);
                    }
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (SQLException e) {
                    if (running) {
                        System.out.println("[harness] ledger sample failed: " + e.getMessage());
                    }
                }
            }
        }, "ledger-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    synchronized Sample sample() throws SQLException {
        long nanos = System.nanoTime();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(QUERY)) {
            rs.next();
            return new Sample(nanos, rs.getLong(6), rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }
    }

    /** Rows inserted into the gateway's tables so far (the statistics collector's count; ledger entries included). */
    synchronized long rowsInserted() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select coalesce(sum(n_tup_ins), 0) from pg_stat_user_tables")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Until the outbox is empty: how long that took, in milliseconds; -1 if it stopped shrinking for {@code stalledMillis}
     * (a ledger writer that is not running: the phase then reports the backlog it left).
     */
    long drain(long stalledMillis) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        long lowest = Long.MAX_VALUE;
        long progress = start;
        long backlog;
        while ((backlog = sample().backlog()) > 0) {
            if (backlog < lowest) {
                lowest = backlog;
                progress = System.nanoTime();
            } else if (System.nanoTime() - progress > TimeUnit.MILLISECONDS.toNanos(stalledMillis)) {
                System.out.println("[harness] the ledger's outbox stopped shrinking at " + backlog + " facts: is the ledger writer running?");
                return -1;
            }
            Thread.sleep(100);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * The samples from an instant to {@code atEnd} (the phase's last delivery), and how long the outbox then took to
     * drain. Checkpoints are on schedule when no sample saw more than {@code checkpointEvery + batch} entries beyond
     * the latest checkpoint, nor entries waiting for one longer than the interval plus 5 s (the writer's period and the
     * sampling).
     */
    Window window(long fromNanos, Sample atEnd, long drainMillis) throws SQLException {
        List<Sample> all;
        synchronized (samples) {
            all = new ArrayList<>(samples.stream().filter(s -> s.nanos() >= fromNanos && s.nanos() < atEnd.nanos()).toList());
        }
        all.add(atEnd);
        long maxBacklog = 0;
        long maxOldest = 0;
        long maxUnsigned = 0;
        long maxUnsignedAge = 0;
        for (Sample s : all) {
            maxBacklog = Math.max(maxBacklog, s.backlog());
            maxOldest = Math.max(maxOldest, s.oldestMillis());
            maxUnsigned = Math.max(maxUnsigned, s.unsigned());
            if (s.unsigned() > 0 && s.checkpointedAtMillis() > 0) {
                maxUnsignedAge = Math.max(maxUnsignedAge, s.dbMillis() - s.checkpointedAtMillis());
            }
        }
        Sample first = all.get(0);
        long checkpoints;
        synchronized (this) {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("select count(*) from audit_checkpoint where created_at > to_timestamp("
                         + first.dbMillis() / 1000.0 + ") and created_at <= to_timestamp(" + atEnd.dbMillis() / 1000.0 + ")")) {
                rs.next();
                checkpoints = rs.getLong(1);
            }
        }
        boolean onSchedule = drainMillis >= 0 && maxUnsigned <= checkpointEvery + batch && maxUnsignedAge <= intervalMillis + 5000;
        return new Window(all.size(), maxBacklog, maxOldest, maxUnsigned, maxUnsignedAge, atEnd.entries() - first.entries(),
                checkpoints, atEnd, drainMillis, onSchedule);
    }

    Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(5000);
            synchronized (this) {
                connection.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            // the gateway's database may already be gone
        }
    }
}
