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
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brute-force protection for the IG API's HTTP Basic sign-in, per user name and per source address. After
 * {@code free-attempts} failures each further failure doubles the wait before the next attempt is even checked (from
 * {@code delay} up to {@code max-delay}); an attempt made sooner is refused (429 with Retry-After) without looking at
 * the password. {@code lockout-after} failures lock the user, or the address, for {@code lockout}: that lockout is a
 * ledger entry, and an IG officer can clear it. Failures are forgotten after {@code lockout} without one.
 * Only user names that exist are kept apart; failures for others count against the address alone, so made-up names
 * neither fill memory nor reach the ledger.
 */
@Component
public class IgSignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(IgSignInThrottle.class);

    private final AuditTrail audit;
    private final int freeAttempts;
    private final Duration delay;
    private final Duration maxDelay;
    private final int lockoutAfter;
    private final Duration lockout;
    private final int maxTracked;
    private final Counter failures;
    private final Counter lockouts;
    private final Counter throttled;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    public IgSignInThrottle(AuditTrail audit, MeterRegistry meters,
                            @Value("${carebridge.ig.sign-in.free-attempts:3}") int freeAttempts,
                            @Value("${carebridge.ig.sign-in.delay:1s}") Duration delay,
                            @Value("${carebridge.ig.sign-in.max-delay:5m}") Duration maxDelay,
                            @Value("${carebridge.ig.sign-in.lockout-after:10}") int lockoutAfter,
                            @Value("${carebridge.ig.sign-in.lockout:15m}") Duration lockout,
                            @Value("${carebridge.ig.sign-in.max-tracked:10000}") int maxTracked) {
        this.audit = audit;
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
        Gauge.builder("carebridge.ig.sign-in.locked", this, t -> t.locked().size())
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

    /**
     * Before the password is checked. An attempt made during a delay or lockout is refused unchecked, and counts as a
     * failure towards the lockout (without lengthening the delay).
     * @throws Throttled when this attempt must not be checked yet
     */
    public void check(String user, boolean knownUser, String address) {
        Instant now = clock.instant();
        List<String> keys = keys(user, knownUser, address);
        if (waitFor(keys, now).isZero()) {
            return;
        }
        throttled.increment();
        fail(user, knownUser, address, now, false);
        throw new Throttled(waitFor(keys, now), keys.stream().map(buckets::get).anyMatch(b -> b != null && b.locked(now)));
    }

    private Duration waitFor(List<String> keys, Instant now) {
        Duration wait = Duration.ZERO;
        for (String key : keys) {
            Bucket bucket = buckets.get(key);
            if (bucket != null) {
                wait = max(wait, bucket.wait(now));
            }
        }
        return wait;
    }

    /** The password was wrong (or the user unknown). */
    public void failed(String user, boolean knownUser, String address) {
        fail(user, knownUser, address, clock.instant(), true);
    }

    private void fail(String user, boolean knownUser, String address, Instant now, boolean lengthenDelay) {
        failures.increment();
        for (String key : keys(user, knownUser, address)) {
            if (!buckets.containsKey(key) && buckets.size() >= maxTracked) {
                forgetQuiet();
            }
            boolean[] lockedNow = new boolean[1];
            Bucket bucket = buckets.compute(key, (k, b) -> {
                Bucket current = b == null || b.quiet(now) ? new Bucket() : b;
                lockedNow[0] = current.fail(now, lengthenDelay);
                return current;
            });
            if (lockedNow[0]) {
                lockouts.increment();
                String kind = key.substring(0, key.indexOf(':'));
                String name = key.substring(kind.length() + 1);
                audit.record(AuditFact.of(AuditKind.REFUSED, kind.equals("user") ? user : null, "ig")
                        .outcome("locked", "ig-sign-in-locked: " + kind + " " + name + " after " + bucket.failures
                                + " failed sign-ins, until " + bucket.lockedUntil));
                log.warn("IG sign-in locked for {} {} after {} failures, until {}", kind, name, bucket.failures, bucket.lockedUntil);
            }
        }
    }

    /** A good sign-in clears the user's failures and its address's. */
    public void succeeded(String user, String address) {
        buckets.remove("user:" + user);
        buckets.remove("address:" + (address == null ? "unknown" : address));
    }

    public List<Lockout> locked() {
        Instant now = clock.instant();
        return buckets.entrySet().stream()
                .filter(e -> e.getValue().lockedUntil != null && now.isBefore(e.getValue().lockedUntil))
                .map(e -> {
                    String key = e.getKey();
                    int colon = key.indexOf(':');
                    return new Lockout(key.substring(0, colon), key.substring(colon + 1), e.getValue().failures, e.getValue().lockedUntil);
                })
                .sorted(Comparator.comparing(Lockout::kind).thenComparing(Lockout::name)).toList();
    }

    /** Clears a user's or an address's failures and lockout. @return whether there was anything to clear */
    public boolean clear(String kind, String name, String clearedBy) {
        Bucket removed = buckets.remove(kind + ":" + name);
        if (removed == null) {
            return false;
        }
        audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, clearedBy, "ig-officer")
                .outcome("sign-in-lockout-cleared", "ig-sign-in: " + kind + " " + name + " cleared after " + removed.failures
                        + " failures"));
        log.info("IG sign-in lockout of {} {} cleared by {}", kind, name, clearedBy);
        return true;
    }

    @Scheduled(fixedDelayString = "${carebridge.ig.sign-in.lockout:15m}")
    public void forgetQuiet() {
        Instant now = clock.instant();
        buckets.entrySet().removeIf(e -> e.getValue().quiet(now));
    }

    private static List<String> keys(String user, boolean knownUser, String address) {
        String byAddress = "address:" + (address == null ? "unknown" : address);
        return knownUser && user != null ? List.of("user:" + user, byAddress) : List.of(byAddress);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private final class Bucket {
        private int failures;
        private Instant lastFailure = Instant.EPOCH;
        private Instant notBefore = Instant.EPOCH;
        private Instant lockedUntil;

        /** @return true when this failure starts a lockout */
        boolean fail(Instant now, boolean lengthenDelay) {
            failures++;
            lastFailure = now;
            if (lengthenDelay && failures > freeAttempts) {
                int doublings = Math.min(failures - freeAttempts - 1, 30);
                Duration wait = delay.multipliedBy(1L << doublings);
                notBefore = now.plus(wait.compareTo(maxDelay) > 0 ? maxDelay : wait);
            }
            if (failures >= lockoutAfter && !locked(now)) {
                lockedUntil = now.plus(lockout);
                return true;
            }
            return false;
        }

        boolean locked(Instant now) {
            return lockedUntil != null && now.isBefore(lockedUntil);
        }

        Duration wait(Instant now) {
            Instant until = locked(now) && lockedUntil.isAfter(notBefore) ? lockedUntil : notBefore;
            return now.isBefore(until) ? Duration.between(now, until) : Duration.ZERO;
        }

        boolean quiet(Instant now) {
            return !locked(now) && Duration.between(lastFailure, now).compareTo(lockout) > 0;
        }
    }
}
