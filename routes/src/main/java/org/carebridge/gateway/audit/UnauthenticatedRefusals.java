package org.carebridge.gateway.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refusals before anyone is authenticated (no client certificate, an unregistered one, missing or wrong IG
 * credentials): anyone can cause them, so they must not grow the append-only ledger one entry each. Each is counted in
 * {@code carebridge.refusals.unauthenticated} (by reason) and tallied per source address and reason; every
 * {@code carebridge.audit.refusal-interval} each tally becomes one REFUSED entry, "n refusals from A between t1 and t2".
 * Refusals of a known partner or IG user stay individual entries. At most {@code carebridge.audit.refusal-sources}
 * addresses are tallied apart in one interval; the rest share one tally, so a spread of sources cannot grow memory.
 */
@Component
public class UnauthenticatedRefusals {

    static final String OTHER_SOURCES = "other-sources";

    private final AuditTrail audit;
    private final MeterRegistry meters;
    private final int maxSources;
    private final Map<Key, Tally> tallies = new ConcurrentHashMap<>();

    public UnauthenticatedRefusals(AuditTrail audit, MeterRegistry meters,
                                   @Value("${carebridge.audit.refusal-sources:10000}") int maxSources) {
        this.audit = audit;
        this.meters = meters;
        this.maxSources = maxSources;
    }

    /** @param status the HTTP status the caller got; @param reason a fixed code, never anything the caller sent */
    public void refused(String address, int status, String reason) {
        Counter.builder("carebridge.refusals.unauthenticated").description("Requests refused before authentication")
                .tags("reason", reason).register(meters).increment();
        Key key = new Key(address == null ? "unknown" : address, status, reason);
        if (!tallies.containsKey(key) && tallies.size() >= maxSources) {
            key = new Key(OTHER_SOURCES, status, reason);
        }
        Instant now = Instant.now();
        tallies.compute(key, (k, tally) -> tally == null ? new Tally(1, now, now) : new Tally(tally.count() + 1, tally.first(), now));
    }

    /** Writes one ledger entry per tally and starts new ones. */
    @PreDestroy
    public void flush() {
        Map<Key, Tally> taken = new java.util.HashMap<>();
        List<AuditFact> facts = new ArrayList<>();
        for (Key key : List.copyOf(tallies.keySet())) {
            Tally tally = tallies.remove(key);
            if (tally != null) {
                taken.put(key, tally);
                facts.add(new AuditFact(tally.last(), AuditKind.REFUSED, null, "unauthenticated", null, null, null, null, null,
                        Integer.toString(key.status()), tally.count() + " refusals from " + key.address() + " between "
                        + tally.first() + " and " + tally.last() + ": " + key.reason(), List.of()));
            }
        }
        try {
            audit.recordAll(facts);
        } catch (RuntimeException e) {
            // kept for the next interval
            taken.forEach((key, tally) -> tallies.merge(key, tally, (newer, older) ->
                    new Tally(older.count() + newer.count(), older.first(), newer.last())));
            throw e;
        }
    }

    private record Key(String address, int status, String reason) {
    }

    private record Tally(long count, Instant first, Instant last) {
    }
}
