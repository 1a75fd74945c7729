package org.carebridge.gateway.partner;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which partners an administrator has suspended. The table is the truth, shared by every node; each node keeps a copy
 * in memory, changed at once by its own actions and re-read every {@code carebridge.console.suspension-refresh} so
 * that another node's change takes effect here too.
 */
@Component
public class PartnerSuspensions {

    public record Suspension(String partnerId, Instant since, String by, UUID actionId) {
    }

    private final JdbcTemplate jdbc;
    private volatile Map<String, Suspension> current = Map.of();

    public PartnerSuspensions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        reload();
    }

    public boolean isSuspended(String partnerId) {
        return current.containsKey(partnerId);
    }

    public Optional<Suspension> of(String partnerId) {
        return Optional.ofNullable(current.get(partnerId));
    }

    public Map<String, Suspension> all() {
        return current;
    }

    /** @return false when the partner was already suspended (nothing changed) */
    public boolean suspend(String partnerId, String by, UUID actionId) {
        int inserted = jdbc.update("""
                insert into partner_suspension (partner_id, suspended_at, suspended_by, action_id) values (?, ?, ?, ?)
                on conflict (partner_id) do nothing""", partnerId, Timestamp.from(Instant.now()), by, actionId);
        reloadAfterCommit();
        return inserted == 1;
    }

    /** @return false when the partner was not suspended */
    public boolean resume(String partnerId) {
        int deleted = jdbc.update("delete from partner_suspension where partner_id = ?", partnerId);
        reloadAfterCommit();
        return deleted == 1;
    }

    /** Reads the shared suspension table again (the {@code partner-suspensions} route, every suspension-refresh). */
    public void reload() {
        Map<String, Suspension> read = new ConcurrentHashMap<>();
        jdbc.query("select partner_id, suspended_at, suspended_by, action_id from partner_suspension", rs -> {
            read.put(rs.getString(1), new Suspension(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                    rs.getObject(4, UUID.class)));
        });
        current = Map.copyOf(read);
    }

    private void reloadAfterCommit() {
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            reload();
                        }
                    });
        } else {
            reload();
        }
    }
}
