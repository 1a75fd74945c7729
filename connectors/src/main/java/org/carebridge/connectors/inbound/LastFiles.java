package org.carebridge.connectors.inbound;

import java.time.LocalDate;
import java.util.Optional;

/**
 * What the gateway remembers of a partner's SSDA903 files for {@code new-episodes: since-last-file}: the latest episode
 * start (DECOM) of the files it processed so far. An episode starting after it is new. The gateway keeps it in its
 * database; it holds no personal data (a partner and a date).
 */
public interface LastFiles {

    /** The latest DECOM of the partner's files so far; empty before its first file. */
    Optional<LocalDate> latestEpisodeStart(String partnerId);

    /** After a processed file: remembers its latest DECOM, unless an earlier file's was later. */
    void remember(String partnerId, LocalDate latestEpisodeStart);
}
