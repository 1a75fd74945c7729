package org.carebridge.gateway.console;

import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times on pages are England's local time, written the GOV.UK way ("1 December 2026 09:30"). */
@Component("consoleTimes")
public class ConsoleTimes {

    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("d MMMM yyyy HH:mm:ss", Locale.UK)
            .withZone(ZoneId.of("Europe/London"));

    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.UK)
            .withZone(ZoneId.of("Europe/London"));

    public String text(Instant time) {
        return time == null ? "-" : TEXT.format(time);
    }

    /** For table cells: "1 Dec 2026 09:30". */
    public String brief(Instant time) {
        return time == null ? "-" : SHORT.format(time);
    }
}
