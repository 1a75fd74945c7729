package org.carebridge.gateway.admin;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Keeps what a person did and the reason they gave. The reason is free text, so it stays in this table; the ledger
 * entry written with the action names the action's id, never the text.
 */
@Component
public class ConsoleActions {

    public enum Kind { REDELIVER, SUSPEND, RESUME, PARTNER_CREATE, PARTNER_EDIT, PARTNER_CERTIFICATE, PARTNER_RETIRE, PARTNER_IMPORT }

    private final JdbcTemplate jdbc;

    public ConsoleActions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public UUID record(Kind kind, Actor actor, String summary, String reason) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into console_action (action_id, kind, actor, actor_role, summary, reason, created_at)
                values (?, ?, ?, ?, ?, ?, ?)""", id, kind.name(), actor.name(), actor.role(), summary, reason, Timestamp.from(Instant.now()));
        return id;
    }

    /** The reason given for an action, for the pages that show who suspended a partner and why. */
    public String reason(UUID actionId) {
        return jdbc.query("select reason from console_action where action_id = ?", rs -> rs.next() ? rs.getString(1) : null, actionId);
    }
}
