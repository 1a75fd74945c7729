package org.carebridge.connectors.ssda903;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Maps an SSDA903 return to canonical CareBridge messages, one outcome per row, streaming: only one row (CSV) or one
 * CHILD (XML) is in memory at a time, beside a small index of the children and their placements.
 *
 * <p>A file-level problem (empty, truncated, a missing required column, a DOCTYPE) throws {@link Ssda903Refused}; rows
 * already handed to {@code out} must then be discarded. Callers that store what they map read the file twice: once
 * to check it whole, once to pass the rows on.
 */
public final class Ssda903Reader {

    private final Ssda903Settings settings;
    private final ChildrensHomes homes;
    private LocalDate latestEpisodeStart;
    private boolean checking;

    public Ssda903Reader(Ssda903Settings settings, ChildrensHomes homes) {
        this.settings = settings;
        this.homes = homes;
    }

    /**
     * While on, each row is checked and answered as it would be, but a mapped row carries no message ({@link
     * RowOutcome#bundle()} is null): the checking pass, which need not build what it throws away.
     */
    public Ssda903Reader checking(boolean checking) {
        this.checking = checking;
        return this;
    }

    /** The CSV tables (Header, Episodes, Missing; others ignored with a warning). */
    public void readCsv(Ssda903Tables tables, Instant mappedAt, Consumer<RowOutcome> out) {
        Ssda903Mapper mapper = new Ssda903Mapper(settings, homes, mappedAt, !checking);
        new Ssda903Csv(mapper, settings, out).read(tables);
        latestEpisodeStart = mapper.latestStart();
    }

    /** The latest DECOM of the last file read whole (every readable episode row, new or not); empty when it had none. */
    public Optional<LocalDate> latestEpisodeStart() {
        return Optional.ofNullable(latestEpisodeStart);
    }

    /** A zip of the CSV tables. */
    public void readCsvZip(Path zip, ZippedTables.Limits limits, Instant mappedAt, Consumer<RowOutcome> out) {
        try (ZippedTables tables = new ZippedTables(zip, limits)) {
            readCsv(tables, mappedAt, out);
        }
    }

    /** The single-file XML form, {@code EXPSSDA903}. */
    public void readXml(InputStream xml, Instant mappedAt, Consumer<RowOutcome> out) {
        Ssda903Mapper mapper = new Ssda903Mapper(settings, homes, mappedAt, !checking);
        new Ssda903Xml(mapper, settings, out).read(xml);
        latestEpisodeStart = mapper.latestStart();
    }

    public void readXml(Path xml, Instant mappedAt, Consumer<RowOutcome> out) {
        try (InputStream in = Files.newInputStream(xml)) {
            readXml(in, mappedAt, out);
        } catch (IOException e) {
            throw new Ssda903Refused("the file cannot be read");
        }
    }
}
