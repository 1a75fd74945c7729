package org.carebridge.gateway.adapter;

import org.carebridge.connectors.inbound.LastFiles;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.Optional;

/** The partners' latest SSDA903 DECOM so far, in PostgreSQL, for {@code new-episodes: since-last-file}; it never moves back. */
@Component
public class Ssda903LastFiles implements LastFiles {

    private final JdbcTemplate jdbc;

    public Ssda903LastFiles(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<LocalDate> latestEpisodeStart(String partnerId) {
        return jdbc.query("select latest_decom from ssda903_last_file where partner_id = ?",
                (rs, n) -> rs.getObject(1, LocalDate.class), partnerId).stream().findFirst();
    }

    @Override
    public void remember(String partnerId, LocalDate latestEpisodeStart) {
        jdbc.update("insert into ssda903_last_file (partner_id, latest_decom) values (?, ?) on conflict (partner_id) do update "
                + "set latest_decom = greatest(ssda903_last_file.latest_decom, excluded.latest_decom), updated_at = now()",
                partnerId, latestEpisodeStart);
    }
}
