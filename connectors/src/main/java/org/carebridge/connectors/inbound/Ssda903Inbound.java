package org.carebridge.connectors.inbound;

import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.RowOutcome;
import org.carebridge.connectors.ssda903.Ssda903Reader;
import org.carebridge.connectors.ssda903.Ssda903Refused;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * An SSDA903 return from one children's services partner: read whole once to check it (a truncated file, a DOCTYPE or a
 * missing column refuses it before anything is stored), then again row by row, the mapped messages handed to the
 * governed intake a batch at a time, each still its own record. A bad row is refused alone; the good rows still go
 * through.
 */
public final class Ssda903Inbound implements InboundFiles {

    /** The two forms of the return. */
    public enum Form {
        /** a zip of the CSV tables */
        CSV("ssda903-csv", ".zip"),
        /** the single-file XML form, EXPSSDA903 */
        XML("ssda903-xml", ".xml");

        private final String code;
        private final String extension;

        Form(String code, String extension) {
            this.code = code;
            this.extension = extension;
        }

        public String code() {
            return code;
        }

        public String extension() {
            return extension;
        }

        public static Form fromCode(String code) {
            for (Form form : values()) {
                if (form.code.equals(code)) {
                    return form;
                }
            }
            throw new IllegalArgumentException("format '" + code + "' is not one of [ssda903-csv, ssda903-xml]");
        }
    }

    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private final GovernedIntake intake;
    private final Ssda903Settings settings;
    private final Period newWithin;
    private final ChildrensHomes homes;
    private final Form form;
    private final ZippedTables.Limits limits;
    private final Clock clock;
    private final LastFiles lastFiles;

    /** @param settings the partner's settings; {@code newSince} is worked out per file as today less {@code newWithin} */
    public Ssda903Inbound(GovernedIntake intake, Ssda903Settings settings, Period newWithin, ChildrensHomes homes, Form form,
                          ZippedTables.Limits limits, Clock clock) {
        this(intake, settings, newWithin, homes, form, limits, clock, null);
    }

    /**
     * @param lastFiles for {@code new-episodes: since-last-file}: an episode is new when it starts after the latest DECOM
     *                  of the partner's files so far (before its first file, within {@code newWithin}); null: always
     *                  within {@code newWithin}
     */
    public Ssda903Inbound(GovernedIntake intake, Ssda903Settings settings, Period newWithin, ChildrensHomes homes, Form form,
                          ZippedTables.Limits limits, Clock clock, LastFiles lastFiles) {
        this.lastFiles = lastFiles;
        this.intake = intake;
        this.settings = settings;
        this.newWithin = newWithin;
        this.homes = homes;
        this.form = form;
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public Acknowledgement receive(String name, Path file) {
        Acknowledgement ack = new Acknowledgement(name);
        Instant now = clock.instant();
        LocalDate since = LocalDate.ofInstant(now, ENGLAND).minus(newWithin);
        if (lastFiles != null) {
            since = lastFiles.latestEpisodeStart(settings.senderId()).map(last -> last.plusDays(1)).orElse(since);
        }
        Ssda903Reader reader = new Ssda903Reader(new Ssda903Settings(settings.senderId(), settings.senderName(),
                settings.senderArea(), settings.year(), since, settings.unknownColumns()), homes);
        String digest = digest(file);
        String problem = InboundFileNames.problem(name);
        if (problem == null && !name.toLowerCase(Locale.ROOT).endsWith(form.extension())) {
            problem = "a " + form.code() + " file must be named *" + form.extension();
        }
        if (problem == null) {
            try {
                read(reader.checking(true), file, now, outcome -> { });
                try (RowBatch batch = new RowBatch(intake, settings.senderId(), row -> via(digest, row), ack)) {
                    read(reader.checking(false), file, now, batch);
                    batch.flush();
                }
            } catch (Ssda903Refused refused) {
                problem = refused.getMessage();
            } catch (RuntimeException e) {
                ack.close();
                throw e;
            }
        }
        if (problem != null) {
            ack.refuseFile(problem);
        } else if (lastFiles != null) {
            reader.latestEpisodeStart().ifPresent(latest -> lastFiles.remember(settings.senderId(), latest));
        }
        intake.fileProcessed(settings.senderId(), digest, ack.refused() ? "refused" : "processed", ack.summary());
        return ack;
    }

    private void read(Ssda903Reader reader, Path file, Instant now, Consumer<RowOutcome> out) {
        if (form == Form.CSV) {
            reader.readCsvZip(file, limits, now, out);
        } else {
            reader.readXml(file, now, out);
        }
    }

    /** The file by content, not by name: a partner's file name could name a child, and the ledger outlives retention. */
    static String digest(Path file) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            return "sha256:unreadable";
        }
    }

    private String via(String fileDigest, RowOutcome row) {
        return form.code() + " file " + MappedRows.shortDigest(fileDigest) + ", " + row.table() + " line " + row.line() + ", "
                + settings.year().year() + " codes";
    }
}
