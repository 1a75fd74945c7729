package org.carebridge.gateway.load;

import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * User and system time of the PostgreSQL server behind a connection: its postmaster and the postmaster's live children
 * (a backend that ended meanwhile is not counted), from /proc.
 */
public final class PostgresCpu {

    private PostgresCpu() {
    }

    public static long nanos(JdbcTemplate jdbc) {
        long backend = jdbc.queryForObject("select pg_backend_pid()", Long.class);
        String postmaster = stat(Path.of("/proc", Long.toString(backend), "stat"))[3];
        long ticks = 0;
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path p : processes.filter(f -> f.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                String[] fields = stat(p.resolve("stat"));
                if (fields.length > 14 && (fields[3].equals(postmaster) || p.getFileName().toString().equals(postmaster))) {
                    ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ticks * 10_000_000L; // USER_HZ is 100
    }

    /** The fields of a /proc stat line, field n of proc(5) at index n - 1 (pid and name left out); none if it has gone. */
    private static String[] stat(Path file) {
        try {
            String line = Files.readString(file);
            String[] rest = line.substring(line.lastIndexOf(')') + 2).split(" ");
            String[] fields = new String[rest.length + 2];
            System.arraycopy(rest, 0, fields, 2, rest.length);
            return fields;
        } catch (IOException e) {
            return new String[0];
        }
    }
}
