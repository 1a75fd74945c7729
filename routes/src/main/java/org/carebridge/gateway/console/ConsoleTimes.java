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

    /** How long ago, in words a queue is read by: "3 days 4 hours", "2 hours 5 minutes", "under a minute". */
    public String age(Instant since) {
        if (since == null) {
            return "-";
        }
        return duration(java.time.Duration.between(since, Instant.now()));
    }

    /** A length of time in words, to the minute: "3 days 4 hours", "2 hours 5 minutes", "under a minute". */
    public static String duration(java.time.Duration age) {
        if (age.toMinutes() < 1) {
            return "under a minute";
        }
        long days = age.toDays();
        long hours = age.toHoursPart();
        long minutes = age.toMinutesPart();
        if (days > 0) {
            return plural(days, "day") + (hours > 0 ? " " + plural(hours, "hour") : "");
        }
        return hours > 0 ? plural(hours, "hour") + (minutes > 0 ? " " + plural(minutes, "minute") : "") : plural(minutes, "minute");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** For table cells: "1 Dec 2026 09:30". */
    public String brief(Instant time) {
        return time == null ? "-" : SHORT.format(time);
    }
}
