package org.carebridge.connectors.inbound;

import org.carebridge.connectors.police.PoliceEventMapper;
import org.carebridge.connectors.police.PoliceEventRefused;
import org.carebridge.connectors.ssda903.RowOutcome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * One CareBridge police event document from one force: checked against the published schema (refused whole, each
 * problem a JSON pointer, when it does not conform), mapped to the canonical message of its flow and handed to the
 * governed intake as from that force.
 */
public final class PoliceEventInbound implements InboundFiles {

    public static final String FORMAT = "police-event-json";

    private final GovernedIntake intake;
    private final PoliceEventMapper mapper;
    private final String senderId;
    private final String senderName;
    private final Clock clock;

    public PoliceEventInbound(GovernedIntake intake, PoliceEventMapper mapper, String senderId, String senderName, Clock clock) {
        this.intake = intake;
        this.mapper = mapper;
        this.senderId = senderId;
        this.senderName = senderName;
        this.clock = clock;
    }

    @Override
    public Acknowledgement receive(String name, Path file) {
        Acknowledgement ack = new Acknowledgement(name);
        String digest = Ssda903Inbound.digest(file);
        try {
            byte[] document = Files.size(file) > PoliceEventMapper.MAX_BYTES ? new byte[PoliceEventMapper.MAX_BYTES + 1]
                    : Files.readAllBytes(file);
            PoliceEventMapper.Mapped mapped = mapper.map(document, senderId, senderName, clock.instant());
            RowOutcome row = new RowOutcome("event", 1, RowOutcome.Status.MAPPED, null, null, mapped.event(), mapped.messageId(),
                    mapped.bundle());
            ack.add(MappedRows.pass(intake, senderId, row, FORMAT + " document " + MappedRows.shortDigest(digest)));
        } catch (PoliceEventRefused refused) {
            ack.refuseFile(refused.getMessage());
        } catch (IOException e) {
            ack.refuseFile("the document cannot be read");
        }
        intake.fileProcessed(senderId, digest, ack.refused() ? "refused" : "processed", ack.summary());
        return ack;
    }
}
