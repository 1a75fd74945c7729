package org.carebridge.gateway.report;

import java.time.LocalDate;
import java.util.List;

/** Age bands at the time of the event: under the age of criminal responsibility, then the youth justice bands, then care leavers. */
final class AgeBands {

    static final List<String> ALL = List.of("under-10", "10-13", "14-15", "16-17", "18-25", MonitoringFact.UNKNOWN);

    private AgeBands() {
    }

    static String of(LocalDate birthDate, LocalDate on) {
        if (birthDate == null || on == null || birthDate.isAfter(on)) {
            return MonitoringFact.UNKNOWN;
        }
        int age = java.time.Period.between(birthDate, on).getYears();
        if (age < 10) {
            return "under-10";
        } else if (age <= 13) {
            return "10-13";
        } else if (age <= 15) {
            return "14-15";
        } else if (age <= 17) {
            return "16-17";
        } else if (age <= 25) {
            return "18-25";
        }
        return MonitoringFact.UNKNOWN;
    }
}
