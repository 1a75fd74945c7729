package org.carebridge.connectors.inbound;

import org.carebridge.connectors.ctf.CtfReader;
import org.carebridge.connectors.ctf.CtfRefused;
import org.carebridge.connectors.ctf.CtfSettings;
import org.carebridge.connectors.ctf.LocalAuthorities;
import org.carebridge.connectors.ssda903.RowOutcome;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.function.Consumer;

/**
 * Common Transfer Files from one virtual school: read whole once to check (a truncated file or a DOCTYPE refuses it
 * before anything is stored), then again pupil by pupil, each education update handed to the governed intake on its
 * own. A bad pupil is refused alone; the others still go through.
 */
public final class CtfInbound implements InboundFiles {

    public static final String FORMAT = "ctf-xml";
    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private final GovernedIntake intake;
    private final String senderId;
    private final String senderName;
    private final String senderArea;
    private final LocalAuthorities authorities;
    private final Period newWithin;
    private final Clock clock;

    /** @param newWithin an exclusion that started earlier than this before the file arrived is not new */
    public CtfInbound(GovernedIntake intake, String senderId, String senderName, String senderArea, LocalAuthorities authorities,
                      Period newWithin, Clock clock) {
        this.intake = intake;
        this.senderId = senderId;
        this.senderName = senderName;
        this.senderArea = senderArea;
        this.authorities = authorities;
        this.newWithin = newWithin;
        this.clock = clock;
    }

    @Override
    public Acknowledgement receive(String name, Path file) {
        Acknowledgement ack = new Acknowledgement(name);
        Instant now = clock.instant();
        CtfReader reader = new CtfReader(new CtfSettings(senderId, senderName, senderArea, authorities,
                LocalDate.ofInstant(now, ENGLAND).minus(newWithin), CtfSettings.SEVERE_ABSENCE));
        String digest = Ssda903Inbound.digest(file);
        try {
            reader.read(file, now, outcome -> { });
            reader.read(file, now, pass(digest, ack));
        } catch (CtfRefused refused) {
            ack.refuseFile(refused.getMessage());
        }
        intake.fileProcessed(senderId, digest, ack.refused() ? "refused" : "processed", ack.summary());
        return ack;
    }

    private Consumer<RowOutcome> pass(String digest, Acknowledgement ack) {
        return row -> ack.add(MappedRows.pass(intake, senderId, row,
                FORMAT + " file " + MappedRows.shortDigest(digest) + ", " + row.table() + " line " + row.line()));
    }
}
