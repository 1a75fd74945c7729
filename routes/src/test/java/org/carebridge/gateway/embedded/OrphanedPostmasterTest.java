package org.carebridge.gateway.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.lang.reflect.Field;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real PostgreSQL server orphaned as a SIGKILL of its gateway leaves it: the JVM's directory lock gone, the server
 * running on, one of the dead gateway's sessions still busy in a statement. A new server must start over the same
 * data directory, with the data intact, once the orphan has been stopped.
 */
class OrphanedPostmasterTest {

    @TempDir
    Path data;

    private final List<Closeable> servers = new ArrayList<>();
    private final List<ProcessHandle> orphans = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Closeable server : servers) {
            server.close();
        }
        for (ProcessHandle orphan : orphans) {
            List<ProcessHandle> backends = orphan.descendants().toList();
            orphan.destroyForcibly();
            backends.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aBusySessionOfTheDeadGatewayDoesNotKeepTheOrphanFromStoppingAndTheNewServerStartsOverItsData() throws Exception {
        EmbeddedPostgres old = start();
        try (Connection db = old.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
            sql.execute("create table kept (id int primary key)");
            sql.execute("insert into kept values (1), (2), (3)");
        }
        ProcessHandle orphan = orphan(old);
        Connection busy = old.getPostgresDatabase().getConnection();
        CompletableFuture<Void> statement = CompletableFuture.runAsync(() -> {
            try (Statement sql = busy.createStatement()) {
                sql.execute("select pg_sleep(600)");
            } catch (SQLException endedByTheShutdown) {
                // expected: the fast shutdown ends the session
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> sleeping(old) == 1);

        new OrphanedPostmaster(data, Duration.ofSeconds(40)).stop();

        assertThat(orphan.isAlive()).as("orphaned postmaster").isFalse();
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
        EmbeddedPostgres restarted = start();
        try (Connection db = restarted.getPostgresDatabase().getConnection(); Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("select count(*) from kept")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(3);
        }
        statement.join();
        busy.close();
    }

    @Test
    void aPidFileNamingAnotherProcessIsLeftAloneAndAFreeDirectoryNeedsNoWait() throws Exception {
        java.nio.file.Files.writeString(data.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + data + "\n");

        new OrphanedPostmaster(data, Duration.ofSeconds(5)).stop();

        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    private EmbeddedPostgres start() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60)).start();
        servers.add(postgres);
        return postgres;
    }

    /** What a SIGKILL of the JVM does to the server it started: its lock goes, its shutdown hook never runs. */
    private ProcessHandle orphan(EmbeddedPostgres postgres) throws Exception {
        FileLock lock = (FileLock) field(postgres, "lock");
        lock.channel().close();
        ((AtomicBoolean) field(postgres, "closed")).set(true);
        servers.remove(postgres);
        long pid = Long.parseLong(java.nio.file.Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle orphan = ProcessHandle.of(pid).orElseThrow();
        orphans.add(orphan);
        return orphan;
    }

    private static Object field(EmbeddedPostgres postgres, String name) throws ReflectiveOperationException {
        Field field = EmbeddedPostgres.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(postgres);
    }

    private static int sleeping(EmbeddedPostgres postgres) throws SQLException {
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("select count(*) from pg_stat_activity where query like 'select pg_sleep(600)%' and state = 'active'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
