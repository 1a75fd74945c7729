package org.carebridge.connectors.inbound;

import org.carebridge.connectors.ctf.CtfReader;
import org.carebridge.connectors.ctf.CtfRefused;
import org.carebridge.connectors.ctf.CtfSettings;
import org.carebridge.connectors.ctf.LocalAuthorities;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;

/**
 * Common Transfer Files from one virtual school: read whole once to check (a truncated file or a DOCTYPE refuses it
 * before anything is stored), then again pupil by pupil, the education updates handed to the governed intake a batch
 * at a time, each still its own record. A bad pupil is refused alone; the others still go through.
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
            try (RowBatch batch = new RowBatch(intake, senderId, row -> FORMAT + " file " + MappedRows.shortDigest(digest) + ", "
                    + row.table() + " line " + row.line(), ack)) {
                reader.read(file, now, batch);
                batch.flush();
            }
        } catch (CtfRefused refused) {
            ack.refuseFile(refused.getMessage());
        } catch (RuntimeException e) {
            ack.close();
            throw e;
        }
        intake.fileProcessed(senderId, digest, ack.refused() ? "refused" : "processed", ack.summary());
        return ack;
    }
}
