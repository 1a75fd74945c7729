package org.carebridge.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and memory of processes from /proc (Linux): user + system ticks, and the resident set's peak. */
final class ProcessCpu {

    /** USER_HZ; 100 on every Linux the JDK supports. */
    private static final double NANOS_PER_TICK = 1e9 / 100;

    private ProcessCpu() {
    }

    /** The process's own CPU, plus with {@code reaped} the CPU of children it has waited for (a postmaster's backends). */
    static long nanos(long pid, boolean reaped) {
        String[] f = stat(pid);
        if (f == null) {
            return 0;
        }
        // fields after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (reaped) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return (long) (ticks * NANOS_PER_TICK);
    }

    /** A PostgreSQL server's CPU: the postmaster with its reaped backends, plus its live children. */
    static long treeNanos(long parent) {
        long total = nanos(parent, true);
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String[] f = stat(Long.parseLong(name));
                if (f != null && Long.parseLong(f[1]) == parent) {
                    total += nanos(Long.parseLong(name), false);
                }
            }
        } catch (IOException e) {
            return total;
        }
        return total;
    }

    /** VmHWM: the peak resident set size in bytes since the process started. */
    static long peakRssBytes(long pid) {
        return status(pid, "VmHWM:");
    }

    /** VmRSS: the resident set size in bytes now. */
    static long rssBytes(long pid) {
        return status(pid, "VmRSS:");
    }

    private static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    private static String[] stat(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "stat"));
            String line = lines.get(0);
            return line.substring(line.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
