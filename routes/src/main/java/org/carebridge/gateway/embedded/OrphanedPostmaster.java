package org.carebridge.gateway.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A PostgreSQL server that a gateway killed without its shutdown hook (SIGKILL) left running over the data directory.
 * It is stopped, and the new server is started only once everything the old one held is free again: its process has
 * exited (so its port is closed), {@code postmaster.pid} no longer names a live server here, and the embedded server's
 * directory lock ({@code epg-lock}, held by the JVM that started it) can be taken. Starting before that is a race the new server can
 * lose (it fails at once on the lock, or on the pid file, or finds the old server's shared memory still in use).
 *
 * <p>The stop is PostgreSQL's fast shutdown (SIGINT), not the smart one (SIGTERM): a smart shutdown waits for every
 * session, and a dead gateway's session that is busy in a statement does not notice its closed socket until the
 * statement ends. Fast shutdown ends those sessions and still writes a shutdown checkpoint. Only if that does not
 * finish in half the bound comes the immediate one (SIGQUIT, crash recovery at the next start); never SIGKILL of the
 * postmaster alone, which would leave its backends holding the shared memory.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);
    static final String DIRECTORY_LOCK = "epg-lock";
    private static final Duration POLL = Duration.ofMillis(50);

    private final Path data;
    private final Duration bound;

    OrphanedPostmaster(Path data, Duration bound) {
        this.data = data.toAbsolutePath();
        this.bound = bound;
    }

    /** Stops an orphaned server over the data directory, if there is one, and waits until it has let go of it all. */
    void stop() throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        PidFile pidFile = PidFile.read(data.resolve("postmaster.pid"));
        if (pidFile != null) {
            Optional<ProcessHandle> orphan = ProcessHandle.of(pidFile.pid()).filter(ProcessHandle::isAlive).filter(this::isPostmasterHere);
            if (orphan.isPresent()) {
                log.warn("Stopping an orphaned embedded PostgreSQL server (pid {}) left by an earlier run", pidFile.pid());
                stop(orphan.get(), deadline);
            }
            awaitFree(deadline, "postmaster.pid", () -> !heldByLiveServer(data.resolve("postmaster.pid")));
        }
        awaitFree(deadline, DIRECTORY_LOCK, this::directoryLockFree);
    }

    private void stop(ProcessHandle orphan, long deadline) {
        long half = (deadline - System.nanoTime()) / 2;
        signal(orphan, "INT");
        if (exited(orphan, half)) {
            return;
        }
        log.warn("The orphaned embedded PostgreSQL server (pid {}) did not finish a fast shutdown; stopping it immediately", orphan.pid());
        signal(orphan, "QUIT");
        if (!exited(orphan, Math.max(0, deadline - System.nanoTime()))) {
            throw new IllegalStateException("The PostgreSQL server left by an earlier run (pid " + orphan.pid() + ") did not stop within "
                    + bound.toSeconds() + " s; it still holds " + data);
        }
    }

    /** Whether the process is a postgres server over this data directory, not another one that has reused the pid. */
    private boolean isPostmasterHere(ProcessHandle process) {
        ProcessHandle.Info info = process.info();
        if (!info.command().map(c -> c.contains("postgres")).orElse(false)) {
            return false;
        }
        return info.arguments().map(Arrays::asList).map(arguments -> arguments.contains(data.toString())).orElse(true);
    }

    private static void signal(ProcessHandle process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            log.debug("kill -{} not available: {}", signal, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy(); // SIGTERM: a smart shutdown, the best there is without the kill command
    }

    private static boolean exited(ProcessHandle process, long nanos) {
        try {
            process.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (Exception e) {
            return !process.isAlive();
        }
    }

    private void awaitFree(long deadline, String what, BooleanSupplier free) {
        while (!free.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The PostgreSQL server left by an earlier run has stopped, but " + what + " in " + data
                        + " was still held after " + bound.toSeconds() + " s");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what + " in " + data, e);
            }
        }
    }

    private boolean heldByLiveServer(Path pidFile) {
        try {
            PidFile current = PidFile.read(pidFile);
            return current != null && ProcessHandle.of(current.pid()).filter(ProcessHandle::isAlive).filter(this::isPostmasterHere).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean directoryLockFree() {
        Path lockFile = data.resolve(DIRECTORY_LOCK);
        if (!Files.exists(lockFile)) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("The embedded PostgreSQL data directory " + data + " is in use by this process already", e);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first line of {@code postmaster.pid} is the server's pid. */
    record PidFile(long pid) {

        /** The pid file, or null if there is none or it is not (yet, or any longer) readable as one. */
        static PidFile read(Path file) throws IOException {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (NoSuchFileException e) {
                return null;
            }
            if (lines.isEmpty()) {
                return null;
            }
            try {
                return new PidFile(Long.parseLong(lines.get(0).trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
