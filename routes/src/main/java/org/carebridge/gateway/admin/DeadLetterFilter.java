package org.carebridge.gateway.admin;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.StringJoiner;

/**
 * Which dead letters: by partner, by event, and by the day (in England) they were dead-lettered, from and to inclusive.
 * Null means any.
 */
public record DeadLetterFilter(String partner, String event, LocalDate from, LocalDate to) {

    static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    public static final DeadLetterFilter ANY = new DeadLetterFilter(null, null, null, null);

    /** Reads a filter from text as typed into a form or a query string; blank means any. */
    public static DeadLetterFilter parse(String partner, String event, String from, String to) {
        String p = blank(partner);
        String e = blank(event);
        if (p != null && !p.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new Refused("partner", "Choose a partner from the list");
        }
        if (e != null && !e.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new Refused("event", "An event code has only lower-case letters, digits and hyphens");
        }
        LocalDate f = date(from, "from");
        LocalDate t = date(to, "to");
        if (f != null && t != null && t.isBefore(f)) {
            throw new Refused("to", "The end date must be the same as or after the start date");
        }
        return new DeadLetterFilter(p, e, f, t);
    }

    Instant fromInstant() {
        return from == null ? null : from.atStartOfDay(ENGLAND).toInstant();
    }

    Instant beforeInstant() {
        return to == null ? null : to.plusDays(1).atStartOfDay(ENGLAND).toInstant();
    }

    public boolean any() {
        return partner == null && event == null && from == null && to == null;
    }

    /** Machine words for the ledger and the action table: no free text. */
    public String describe() {
        StringJoiner words = new StringJoiner(" ");
        words.add("partner=" + (partner == null ? "any" : partner));
        words.add("event=" + (event == null ? "any" : event));
        words.add("from=" + (from == null ? "any" : from));
        words.add("to=" + (to == null ? "any" : to));
        return words.toString();
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static LocalDate date(String text, String field) {
        String value = blank(text);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new Refused(field, "Enter the date as year-month-day, for example 2026-11-30");
        }
    }
}
