package org.carebridge.gateway.ig;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Brute-force protection for the sign-in of local users (IG API, console, admin API), per user name and per source
 * address. After {@code free-attempts} failures each further failure doubles the wait before the next attempt is even
 * checked (from {@code delay} up to {@code max-delay}); an attempt made sooner is refused (429 with Retry-After) without
 * looking at the password. {@code lockout-after} failures lock the user, or the address, for {@code lockout}: that
 * lockout is a ledger entry, and an IG officer can clear it. Failures are forgotten after {@code lockout} without one.
 * The failures live in PostgreSQL ({@code ig_sign_in_attempt}), so every node counts the same attempts and a restart
 * clears no lockout; times are the database's, so nodes whose clocks differ agree. Only user names that exist are kept
 * apart; failures for others count against the address alone, so made-up names neither fill the table nor reach the
 * ledger.
 */
@Component
public class IgSignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(IgSignInThrottle.class);

    private final AuditTrail audit;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final int freeAttempts;
    private final Duration delay;
    private final Duration maxDelay;
    private final int lockoutAfter;
    private final Duration lockout;
    private final int maxTracked;
    private final Counter failures;
    private final Counter lockouts;
    private final Counter throttled;

    public IgSignInThrottle(AuditTrail audit, MeterRegistry meters, JdbcTemplate jdbc, TransactionTemplate transaction,
                            @Value("${carebridge.ig.sign-in.free-attempts:3}") int freeAttempts,
                            @Value("${carebridge.ig.sign-in.delay:1s}") Duration delay,
                            @Value("${carebridge.ig.sign-in.max-delay:5m}") Duration maxDelay,
                            @Value("${carebridge.ig.sign-in.lockout-after:10}") int lockoutAfter,
                            @Value("${carebridge.ig.sign-in.lockout:15m}") Duration lockout,
                            @Value("${carebridge.ig.sign-in.max-tracked:10000}") int maxTracked) {
        this.audit = audit;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.freeAttempts = freeAttempts;
        this.delay = delay;
        this.maxDelay = maxDelay;
        this.lockoutAfter = lockoutAfter;
        this.lockout = lockout;
        this.maxTracked = maxTracked;
        this.failures = Counter.builder("carebridge.ig.sign-in.failures")
                .description("Failed IG sign-ins: wrong credentials, or tried during a delay or lockout")
                .register(meters);
        this.lockouts = Counter.builder("carebridge.ig.sign-in.lockouts").description("IG users or addresses locked out")
                .register(meters);
        this.throttled = Counter.builder("carebridge.ig.sign-in.throttled")
                .description("IG sign-ins refused unchecked, during a delay or lockout").register(meters);
        Gauge.builder("carebridge.ig.sign-in.locked", this, IgSignInThrottle::lockedCount)
                .description("IG users and addresses locked out now").register(meters);
    }

    /** Refused before the password is checked: the user or the address must wait. */
    public static class Throttled extends AuthenticationException {

        private final Duration retryAfter;
        private final boolean locked;

        Throttled(Duration retryAfter, boolean locked) {
            super(locked ? "sign-in locked out" : "sign-in delayed");
            this.retryAfter = retryAfter;
            this.locked = locked;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        public boolean locked() {
            return locked;
        }
    }

    /** A user or address locked out now, for the IG officer's list. */
    public record Lockout(String kind, String name, int failures, Instant until) {
    }

    private record Key(String kind, String name) {
    }

    /**
     * Before the password is checked. An attempt made during a delay or lockout is refused unchecked, and counts as a
     * failure towards the lockout (without lengthening the delay).
     * @throws Throttled when this attempt must not be checked yet
     */
    public void check(String user, boolean knownUser, String address) {
        List<Key> keys = keys(user, knownUser, address);
        Wait wait = waitFor(keys);
        if (wait.duration().isZero()) {
            return;
        }
        throttled.increment();
        fail(user, keys, false);
        throw new Throttled(wait.duration(), wait.locked());
    }

    private record Wait(Duration duration, boolean locked) {
    }

    private Wait waitFor(List<Key> keys) {
        Duration wait = Duration.ZERO;
        boolean locked = false;
        for (Key key : keys) {
            List<Wait> found = jdbc.query("""
                    select ceil(extract(epoch from greatest(not_before, case when locked_until > clock_timestamp() then locked_until end)
                                              - clock_timestamp()) * 1000)::bigint,
                           coalesce(locked_until > clock_timestamp(), false)
                    from ig_sign_in_attempt where kind = ? and name = ?""",
                    (rs, i) -> new Wait(Duration.ofMillis(Math.max(0, rs.getLong(1))), rs.getBoolean(2)),
                    key.kind(), key.name());
            for (Wait w : found) {
                wait = max(wait, w.duration());
                locked |= w.locked();
            }
        }
        return new Wait(wait, locked && !wait.isZero());
    }

    /** The password was wrong (or the user unknown). */
    public void failed(String user, boolean knownUser, String address) {
        fail(user, keys(user, knownUser, address), true);
    }

    private void fail(String user, List<Key> keys, boolean lengthenDelay) {
        failures.increment();
        for (Key key : keys) {
            transaction.executeWithoutResult(tx -> failOne(user, key, lengthenDelay));
        }
    }

    private void failOne(String user, Key key, boolean lengthenDelay) {
        int inserted = jdbc.update("""
                insert into ig_sign_in_attempt (kind, name, failures, last_failure, not_before)
                values (?, ?, 0, to_timestamp(0), to_timestamp(0)) on conflict do nothing""", key.kind(), key.name());
        if (inserted == 1 && maxTracked > 0
                && jdbc.queryForObject("select count(*) from ig_sign_in_attempt", Long.class) > maxTracked) {
            forgetQuiet();
        }
        // row locked: nodes counting the same user or address take turns
        Instant[] row = new Instant[4];
        int[] count = new int[1];
        jdbc.query("""
                select failures, last_failure, not_before, locked_until, clock_timestamp()
                from ig_sign_in_attempt where kind = ? and name = ? for update""", rs -> {
            count[0] = rs.getInt(1);
            row[0] = rs.getTimestamp(2).toInstant();
            row[1] = rs.getTimestamp(3).toInstant();
            row[2] = rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant();
            row[3] = rs.getTimestamp(5).toInstant();
        }, key.kind(), key.name());
        Instant now = row[3];
        if (now == null) {
            // cleared by an officer between the insert and the lock
            return;
        }
        Instant lockedUntil = row[2];
        boolean locked = lockedUntil != null && now.isBefore(lockedUntil);
        int failed = count[0];
        Instant notBefore = row[1];
        if (!locked && Duration.between(row[0], now).compareTo(lockout) > 0) {
            // quiet for the lockout period: start again
            failed = 0;
            notBefore = Instant.EPOCH;
            lockedUntil = null;
        }
        failed++;
        if (lengthenDelay && failed > freeAttempts) {
            int doublings = Math.min(failed - freeAttempts - 1, 30);
            Duration wait = delay.multipliedBy(1L << doublings);
            notBefore = now.plus(wait.compareTo(maxDelay) > 0 ? maxDelay : wait);
        }
        boolean lockStarts = failed >= lockoutAfter && !locked;
        if (lockStarts) {
            lockedUntil = now.plus(lockout);
        }
        jdbc.update("update ig_sign_in_attempt set failures = ?, last_failure = ?, not_before = ?, locked_until = ? where kind = ? and name = ?",
                failed, Timestamp.from(now), Timestamp.from(notBefore), lockedUntil == null ? null : Timestamp.from(lockedUntil),
                key.kind(), key.name());
        if (lockStarts) {
            lockouts.increment();
            audit.record(AuditFact.of(AuditKind.REFUSED, key.kind().equals("user") ? user : null, "ig")
                    .outcome("locked", "ig-sign-in-locked: " + key.kind() + " " + key.name() + " after " + failed
                            + " failed sign-ins, until " + lockedUntil));
            log.warn("IG sign-in locked for {} {} after {} failures, until {}", key.kind(), key.name(), failed, lockedUntil);
        }
    }

    /** A good sign-in clears the user's failures and its address's. */
    public void succeeded(String user, String address) {
        jdbc.update("delete from ig_sign_in_attempt where (kind = 'user' and name = ?) or (kind = 'address' and name = ?)",
                user, address == null ? "unknown" : address);
    }

    public List<Lockout> locked() {
        return jdbc.query("""
                select kind, name, failures, locked_until from ig_sign_in_attempt where locked_until > clock_timestamp()
                order by kind, name""", (rs, i) -> new Lockout(rs.getString(1), rs.getString(2), rs.getInt(3),
                rs.getTimestamp(4).toInstant()));
    }

    private double lockedCount() {
        try {
            return jdbc.queryForObject("select count(*) from ig_sign_in_attempt where locked_until > clock_timestamp()", Long.class);
        } catch (RuntimeException e) {
            // the database is away: the gauge has no value now
            return Double.NaN;
        }
    }

    /** Clears a user's or an address's failures and lockout. @return whether there was anything to clear */
    public boolean clear(String kind, String name, String clearedBy) {
        List<Integer> removed = jdbc.queryForList("delete from ig_sign_in_attempt where kind = ? and name = ? returning failures",
                Integer.class, kind, name);
        if (removed.isEmpty()) {
            return false;
        }
        audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, clearedBy, "ig-officer")
                .outcome("sign-in-lockout-cleared", "ig-sign-in: " + kind + " " + name + " cleared after " + removed.get(0)
                        + " failures"));
        log.info("IG sign-in lockout of {} {} cleared by {}", kind, name, clearedBy);
        return true;
    }

    public void forgetQuiet() {
        jdbc.update("""
                delete from ig_sign_in_attempt
                where (locked_until is null or locked_until <= clock_timestamp()) and last_failure < clock_timestamp() - ?::interval""",
                lockout.toMillis() + " milliseconds");
    }

    private static List<Key> keys(String user, boolean knownUser, String address) {
        List<Key> keys = new ArrayList<>(2);
        if (knownUser && user != null) {
            keys.add(new Key("user", user));
        }
        keys.add(new Key("address", address == null ? "unknown" : address));
        return keys;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
