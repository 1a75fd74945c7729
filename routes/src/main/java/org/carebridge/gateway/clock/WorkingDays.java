package org.carebridge.gateway.clock;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The working-day calendar for England and Wales: Monday to Friday, less the bank holidays (substitute days included,
 * as the published list gives them). Days are days in Europe/London, so a deadline "by the end of a working day" is
 * midnight London time whether that is GMT or BST.
 *
 * <p>Outside the years the bank-holiday list covers only weekends are excluded; {@link #covers(LocalDate)} says when
 * that is the case, and the gateway warns at start when the list is about to run out.
 */
public final class WorkingDays {

    public static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private final NavigableSet<LocalDate> bankHolidays;
    private final LocalDate coveredFrom;
    private final LocalDate coveredUntil;

    /** @param bankHolidays the list's days; the calendar covers every whole year that has at least one of them */
    public WorkingDays(Collection<LocalDate> bankHolidays) {
        this.bankHolidays = new TreeSet<>(bankHolidays);
        if (this.bankHolidays.isEmpty()) {
            throw new IllegalArgumentException("a working-day calendar needs the bank holidays of at least one year");
        }
        this.coveredFrom = LocalDate.of(this.bankHolidays.first().getYear(), 1, 1);
        this.coveredUntil = LocalDate.of(this.bankHolidays.last().getYear(), 12, 31);
        for (int year = coveredFrom.getYear(); year <= coveredUntil.getYear(); year++) {
            LocalDate first = LocalDate.of(year, 1, 1);
            if (this.bankHolidays.subSet(first, true, first.plusYears(1), false).isEmpty()) {
                throw new IllegalArgumentException("the bank-holiday list has no days in " + year
                        + ", between years it covers; a gap would silently count bank holidays as working days");
            }
        }
    }

    public boolean isWorkingDay(LocalDate day) {
        DayOfWeek weekday = day.getDayOfWeek();
        return weekday != DayOfWeek.SATURDAY && weekday != DayOfWeek.SUNDAY && !bankHolidays.contains(day);
    }

    public boolean isBankHoliday(LocalDate day) {
        return bankHolidays.contains(day);
    }

    /** Whether the bank-holiday list covers this day's year. */
    public boolean covers(LocalDate day) {
        return !day.isBefore(coveredFrom) && !day.isAfter(coveredUntil);
    }

    public LocalDate coveredFrom() {
        return coveredFrom;
    }

    public LocalDate coveredUntil() {
        return coveredUntil;
    }

    /** The n-th working day after {@code day} (not counting {@code day} itself, whatever it is); n = 0 gives {@code day}. */
    public LocalDate plusWorkingDays(LocalDate day, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative");
        }
        LocalDate current = Objects.requireNonNull(day);
        for (int counted = 0; counted < n; ) {
            current = current.plusDays(1);
            if (isWorkingDay(current)) {
                counted++;
            }
        }
        return current;
    }

    /**
     * The end of the n-th working day after the London day on which {@code start} falls: midnight at the start of the
     * next day, Europe/London. The start day itself never counts, even when it is a working day.
     */
    public Instant endOfWorkingDaysAfter(Instant start, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
        LocalDate day = LocalDate.ofInstant(start, ENGLAND);
        return plusWorkingDays(day, n).plusDays(1).atStartOfDay(ENGLAND).toInstant();
    }

    /** Working days in the half-open range (from, to]: how many working days end after {@code from}, up to and including {@code to}. */
    public int workingDaysBetween(LocalDate from, LocalDate to) {
        int count = 0;
        for (LocalDate d = from.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
            if (isWorkingDay(d)) {
                count++;
            }
        }
        return count;
    }
}
