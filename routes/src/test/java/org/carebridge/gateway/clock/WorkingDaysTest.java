package org.carebridge.gateway.clock;

import org.carebridge.security.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Year;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The England and Wales working-day calendar, with the real bank-holiday file under config/calendar. */
class WorkingDaysTest {

    static final Path CALENDAR = Path.of("..", "config", "calendar", "bank-holidays-england-and-wales.json");

    /** Written out here independently of the data file, from the published GOV.UK list. */
    static final Set<LocalDate> BANK_HOLIDAYS = Stream.of(
            "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26",
            "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26",
            "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
            "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
            "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26")
            .map(LocalDate::parse).collect(Collectors.toSet());

    final WorkingDays days = BankHolidayFile.read(CALENDAR);

    @Test
    void everyDayFrom2024To2028IsAWorkingDayExactlyWhenItIsAWeekdayAndNotABankHoliday() {
        int checked = 0;
        for (LocalDate d = LocalDate.of(2024, 1, 1); d.getYear() <= 2028; d = d.plusDays(1)) {
            boolean weekend = d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY;
            assertThat(days.isWorkingDay(d)).as(d.toString()).isEqualTo(!weekend && !BANK_HOLIDAYS.contains(d));
            assertThat(days.isBankHoliday(d)).as(d.toString()).isEqualTo(BANK_HOLIDAYS.contains(d));
            checked++;
        }
        assertThat(checked).isEqualTo(366 + 365 + 365 + 365 + 366);
    }

    @Test
    void eachYearHasEightBankHolidaysAllOnWeekdaysAndTheWorkingDaysAddUp() {
        for (int year = 2024; year <= 2028; year++) {
            int y = year;
            List<LocalDate> holidays = BANK_HOLIDAYS.stream().filter(d -> d.getYear() == y).toList();
            assertThat(holidays).hasSize(8).allSatisfy(d -> assertThat(d.getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
            long weekdays = Stream.iterate(LocalDate.of(year, 1, 1), d -> d.getYear() == y, d -> d.plusDays(1))
                    .filter(d -> d.getDayOfWeek().getValue() <= 5).count();
            assertThat(days.workingDaysBetween(LocalDate.of(year - 1, 12, 31), LocalDate.of(year, 12, 31)))
                    .as("working days in " + year).isEqualTo((int) weekdays - 8);
        }
        assertThat(Year.of(2026).length()).isEqualTo(365);
        assertThat(days.workingDaysBetween(LocalDate.of(2025, 12, 31), LocalDate.of(2026, 12, 31))).isEqualTo(253);
    }

    @Test
    void substituteDaysReplaceBankHolidaysThatFallAtTheWeekend() {
        // Boxing Day 2026 is a Saturday: Monday 28 December is the holiday instead.
        assertThat(days.isBankHoliday(LocalDate.of(2026, 12, 26))).isFalse();
        assertThat(days.isWorkingDay(LocalDate.of(2026, 12, 28))).isFalse();
        // Christmas 2027 is a Saturday and Boxing Day a Sunday: Monday 27 and Tuesday 28 December.
        assertThat(days.isWorkingDay(LocalDate.of(2027, 12, 27))).isFalse();
        assertThat(days.isWorkingDay(LocalDate.of(2027, 12, 28))).isFalse();
        assertThat(days.isWorkingDay(LocalDate.of(2027, 12, 29))).isTrue();
        // New Year's Day 2028 is a Saturday: Monday 3 January.
        assertThat(days.isWorkingDay(LocalDate.of(2028, 1, 3))).isFalse();
        assertThat(days.isWorkingDay(LocalDate.of(2028, 1, 4))).isTrue();
    }

    @Test
    void fiveWorkingDaysFromChristmasEve2026SkipChristmasTheBoxingDaySubstituteTheWeekendsAndNewYear() {
        // Thu 24 Dec: Fri 25 holiday, Sat, Sun, Mon 28 substitute, Tue 29 (1), Wed 30 (2), Thu 31 (3), Fri 1 Jan holiday,
        // Sat, Sun, Mon 4 Jan (4), Tue 5 Jan (5).
        assertThat(days.plusWorkingDays(LocalDate.of(2026, 12, 24), 5)).isEqualTo(LocalDate.of(2027, 1, 5));
        assertThat(days.endOfWorkingDaysAfter(Instant.parse("2026-12-24T17:00:00Z"), 5)).isEqualTo(Instant.parse("2027-01-06T00:00:00Z"));
    }

    @Test
    void easterAndTheSpringBankHolidayAreSkipped() {
        assertThat(days.plusWorkingDays(LocalDate.of(2026, 4, 2), 1)).isEqualTo(LocalDate.of(2026, 4, 7));
        // In BST: end of Friday 29 May 2026 is 23:00 UTC.
        assertThat(days.endOfWorkingDaysAfter(OffsetDateTime.parse("2026-05-21T10:00:00+01:00").toInstant(), 5))
                .isEqualTo(Instant.parse("2026-05-29T23:00:00Z"));
    }

    @Test
    void theStartDayNeverCountsWhateverItIs() {
        assertThat(days.plusWorkingDays(LocalDate.of(2026, 11, 7), 5)).as("from a Saturday").isEqualTo(LocalDate.of(2026, 11, 13));
        assertThat(days.plusWorkingDays(LocalDate.of(2026, 5, 25), 1)).as("from a bank holiday").isEqualTo(LocalDate.of(2026, 5, 26));
        assertThat(days.plusWorkingDays(LocalDate.of(2026, 11, 23), 1)).as("from a Monday").isEqualTo(LocalDate.of(2026, 11, 24));
        assertThat(days.plusWorkingDays(LocalDate.of(2026, 11, 20), 1)).as("from a Friday").isEqualTo(LocalDate.of(2026, 11, 23));
        assertThat(days.plusWorkingDays(LocalDate.of(2026, 11, 20), 0)).isEqualTo(LocalDate.of(2026, 11, 20));
        assertThatThrownBy(() -> days.plusWorkingDays(LocalDate.of(2026, 11, 20), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> days.endOfWorkingDaysAfter(Instant.parse("2026-11-20T10:00:00Z"), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void daysAreLondonDaysAcrossBothClockChanges() {
        // Clocks go forward on Sunday 29 March 2026: the end of Monday 30 March is 23:00 UTC.
        assertThat(days.endOfWorkingDaysAfter(Instant.parse("2026-03-27T12:00:00Z"), 1)).isEqualTo(Instant.parse("2026-03-30T23:00:00Z"));
        // Clocks go back on Sunday 25 October 2026: the end of Monday 26 October is midnight UTC.
        assertThat(days.endOfWorkingDaysAfter(Instant.parse("2026-10-23T12:00:00Z"), 1)).isEqualTo(Instant.parse("2026-10-27T00:00:00Z"));
        // 23:30 UTC on Thursday 2 July is 00:30 on Friday 3 July in London: the start day is the Friday.
        assertThat(days.endOfWorkingDaysAfter(Instant.parse("2026-07-02T23:30:00Z"), 1)).isEqualTo(Instant.parse("2026-07-06T23:00:00Z"));
        // 23:30 UTC on Saturday 24 October is 00:30 BST on Sunday 25 October: next working day Monday 26.
        assertThat(days.endOfWorkingDaysAfter(Instant.parse("2026-10-24T23:30:00Z"), 1)).isEqualTo(Instant.parse("2026-10-27T00:00:00Z"));
        // In winter London is UTC: 23:30 UTC on Thursday 3 December stays Thursday.
        assertThat(days.endOfWorkingDaysAfter(Instant.parse("2026-12-03T23:30:00Z"), 1)).isEqualTo(Instant.parse("2026-12-05T00:00:00Z"));
    }

    @Test
    void addingWorkingDaysAlwaysLandsOnAWorkingDayWithExactlyThatManyBetween() {
        for (LocalDate d = LocalDate.of(2024, 1, 1); d.isBefore(LocalDate.of(2028, 12, 1)); d = d.plusDays(1)) {
            for (int n = 1; n <= 10; n++) {
                LocalDate due = days.plusWorkingDays(d, n);
                assertThat(days.isWorkingDay(due)).as(d + " + " + n).isTrue();
                LocalDate from = d;
                long between = Stream.iterate(from.plusDays(1), x -> !x.isAfter(due), x -> x.plusDays(1))
                        .filter(x -> x.getDayOfWeek().getValue() <= 5 && !BANK_HOLIDAYS.contains(x)).count();
                assertThat(between).as(d + " + " + n).isEqualTo(n);
            }
        }
    }

    @Test
    void theCalendarKnowsWhatItCoversAndCountsOnlyWeekendsBeyond() {
        assertThat(days.coveredFrom()).isEqualTo(LocalDate.of(2024, 1, 1));
        assertThat(days.coveredUntil()).isEqualTo(LocalDate.of(2028, 12, 31));
        assertThat(days.covers(LocalDate.of(2028, 12, 31))).isTrue();
        assertThat(days.covers(LocalDate.of(2029, 1, 1))).isFalse();
        assertThat(days.covers(LocalDate.of(2023, 12, 31))).isFalse();
        assertThat(days.isWorkingDay(LocalDate.of(2029, 12, 25))).as("not in the list, a Tuesday").isTrue();
    }

    @Test
    void aListWithAGapYearOrNoDaysIsRefused() {
        assertThatThrownBy(() -> new WorkingDays(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkingDays(List.of(LocalDate.of(2024, 1, 1), LocalDate.of(2026, 1, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2025");
    }

    @Test
    void aBadCalendarFileIsReportedWithWhatIsWrong(@TempDir Path dir) throws Exception {
        Path noDivision = Files.writeString(dir.resolve("a.json"), "{\"scotland\": {\"events\": [{\"date\": \"2026-01-01\"}]}}");
        assertThatThrownBy(() -> BankHolidayFile.read(noDivision)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("england-and-wales");
        Path badDate = Files.writeString(dir.resolve("b.json"),
                "{\"england-and-wales\": {\"events\": [{\"date\": \"2026-01-01\"}, {\"date\": \"26/12/2026\"}]}}");
        assertThatThrownBy(() -> BankHolidayFile.read(badDate)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("events[1]").hasMessageContaining("26/12/2026");
        Path notJson = Files.writeString(dir.resolve("c.json"), "{");
        assertThatThrownBy(() -> BankHolidayFile.read(notJson)).isInstanceOf(ConfigurationException.class);
    }
}
