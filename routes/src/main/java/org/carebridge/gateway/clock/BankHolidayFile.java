package org.carebridge.gateway.clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.carebridge.security.config.ConfigurationException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads England and Wales bank holidays from a file in the shape GOV.UK publishes at
 * https://www.gov.uk/bank-holidays.json: {@code {"england-and-wales": {"events": [{"title", "date"}, ...]}}}. The file
 * can be replaced with a fresh download as it is; other divisions in it are ignored.
 */
public final class BankHolidayFile {

    public static final String DIVISION = "england-and-wales";

    private BankHolidayFile() {
    }

    public static WorkingDays read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigurationException(file.toString(), "cannot be read as JSON: " + e.getMessage(), e);
        }
        JsonNode events = root == null ? null : root.path(DIVISION).path("events");
        if (events == null || !events.isArray() || events.isEmpty()) {
            throw new ConfigurationException(file.toString(), List.of("no \"" + DIVISION + "\".events list of bank holidays"));
        }
        List<LocalDate> days = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String date = events.get(i).path("date").asText("");
            try {
                days.add(LocalDate.parse(date));
            } catch (DateTimeParseException e) {
                problems.add("events[" + i + "]: date '" + date + "' is not YYYY-MM-DD");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        try {
            return new WorkingDays(days);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(file.toString(), List.of(e.getMessage()));
        }
    }
}
