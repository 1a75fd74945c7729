package org.carebridge.gateway.adapter;

import org.carebridge.connectors.ctf.LocalAuthorities;
import org.carebridge.connectors.inbound.Acknowledgement;
import org.carebridge.connectors.inbound.CtfInbound;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.connectors.inbound.InboundFiles;
import org.carebridge.connectors.inbound.PoliceEventInbound;
import org.carebridge.connectors.police.PoliceEventMapper;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerInbound;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Clock;

/**
 * A file a partner posted in its own format, turned into governed records by the mapper its {@code inbound.format}
 * names, as from that partner. Made per file from the partner as registered now, so a changed registration takes
 * effect with the next file.
 */
@Component
public class PostedFiles {

    /** One posted file: the partner its certificate identified, a local copy of the body, and a name for the answer. */
    public record PostedFile(Partner partner, String name, Path path) {
    }

    private final GovernedIntake intake;
    private final LocalAuthorities authorities;
    private final PoliceEventMapper police;

    public PostedFiles(GovernedIntake intake, LocalAuthorities authorities, PoliceEventMapper police) {
        this.intake = intake;
        this.authorities = authorities;
        this.police = police;
    }

    public Acknowledgement receive(PostedFile file) {
        return files(file.partner()).receive(file.name(), file.path());
    }

    private InboundFiles files(Partner partner) {
        PartnerInbound inbound = partner.inbound();
        return switch (inbound.format()) {
            case CtfInbound.FORMAT -> new CtfInbound(intake, partner.id(), partner.name(), partner.area(), authorities,
                    inbound.newEpisodesWithin(), Clock.systemUTC());
            case PoliceEventInbound.FORMAT -> new PoliceEventInbound(intake, police, partner.id(), partner.name(), Clock.systemUTC());
            default -> throw new IllegalStateException("inbound format " + inbound.format() + " is not posted over https");
        };
    }
}
