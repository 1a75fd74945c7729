package org.carebridge.gateway.admin;

import org.carebridge.gateway.record.DeliveryState;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** Queue depth and the oldest waiting copy per partner, and every copy by state, read from the delivery table. */
@Component
public class DeliveryOverview {

    /** One partner's backlog: waiting = queued or retrying. */
    public record Backlog(long waiting, long retrying, long deadLettered, Instant oldestWaiting) {
        public static final Backlog EMPTY = new Backlog(0, 0, 0, null);
    }

    private final JdbcTemplate jdbc;

    public DeliveryOverview(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Map<String, Backlog> backlogByPartner() {
        Map<String, Backlog> backlog = new HashMap<>();
        jdbc.query("""
                select recipient,
                       count(*) filter (where state in ('QUEUED', 'FAILED')),
                       count(*) filter (where state = 'FAILED'),
                       count(*) filter (where state = 'DEAD_LETTERED'),
                       min(created_at) filter (where state in ('QUEUED', 'FAILED'))
                from delivery where state in ('QUEUED', 'FAILED', 'DEAD_LETTERED') group by recipient""", rs -> {
            Timestamp oldest = rs.getTimestamp(5);
            backlog.put(rs.getString(1), new Backlog(rs.getLong(2), rs.getLong(3), rs.getLong(4), oldest == null ? null : oldest.toInstant()));
        });
        return backlog;
    }

    public Backlog backlog(String partnerId) {
        return backlogByPartner().getOrDefault(partnerId, Backlog.EMPTY);
    }

    public Map<DeliveryState, Long> byState() {
        Map<DeliveryState, Long> counts = new EnumMap<>(DeliveryState.class);
        for (DeliveryState state : DeliveryState.values()) {
            counts.put(state, 0L);
        }
        jdbc.query("select state, count(*) from delivery group by state", rs -> {
            counts.put(DeliveryState.valueOf(rs.getString(1)), rs.getLong(2));
        });
        return counts;
    }
}
