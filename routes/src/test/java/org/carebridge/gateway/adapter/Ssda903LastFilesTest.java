package org.carebridge.gateway.adapter;

import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.LocalDate;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The latest DECOM of a partner's SSDA903 files is kept in PostgreSQL and never moves back. */
class Ssda903LastFilesTest extends GatewayTest {

    @Autowired
    Ssda903LastFiles lastFiles;

    @Test
    void theLatestEpisodeStartSoFarIsRememberedPerPartner() {
        String partner = "cs-test-" + UUID.randomUUID();
        assertThat(lastFiles.latestEpisodeStart(partner)).isEmpty();

        lastFiles.remember(partner, LocalDate.parse("2026-11-20"));
        lastFiles.remember(partner, LocalDate.parse("2026-10-01"));
        assertThat(lastFiles.latestEpisodeStart(partner)).contains(LocalDate.parse("2026-11-20"));

        lastFiles.remember(partner, LocalDate.parse("2026-11-25"));
        assertThat(lastFiles.latestEpisodeStart(partner)).contains(LocalDate.parse("2026-11-25"));
        assertThat(lastFiles.latestEpisodeStart("cs-test-" + UUID.randomUUID())).isEmpty();
    }
}
