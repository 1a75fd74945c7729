package org.carebridge.connectors.ssda903;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The values of one row by canonical column name (CSV heading; XML element names CHILDID and PL are read as CHILD and
 * PLACE), with the name the file used for each, so a problem names the column as the sender wrote it.
 */
final class Fields {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/uuuu").withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern DATE_SHAPE = Pattern.compile("\\d{2}/\\d{2}/\\d{4}");
    private static final Pattern WHOLE_AS_DECIMAL = Pattern.compile("(\\d+)\\.0+");

    private final Map<String, String> values;
    private final Map<String, String> labels;

    Fields(Map<String, String> values, Map<String, String> labels) {
        this.values = values;
        this.labels = labels;
    }

    Map<String, String> values() {
        return values;
    }

    Map<String, String> labels() {
        return labels;
    }

    String label(String column) {
        return labels.getOrDefault(column, column);
    }

    /** The trimmed value, or null when the column is absent or blank. */
    String text(String column) {
        String value = values.get(column);
        return value == null || value.isBlank() ? null : value.trim();
    }

    String required(String column) throws RowProblem {
        String value = text(column);
        if (value == null) {
            throw new RowProblem(label(column), label(column) + " is required but blank");
        }
        return value;
    }

    /** A whole number; exports often write 1 as {@code 1.0}. */
    String whole(String column, boolean required) throws RowProblem {
        String value = required ? required(column) : text(column);
        if (value == null) {
            return null;
        }
        var decimal = WHOLE_AS_DECIMAL.matcher(value);
        return decimal.matches() ? decimal.group(1) : value;
    }

    LocalDate date(String column, boolean required) throws RowProblem {
        String value = required ? required(column) : text(column);
        if (value == null) {
            return null;
        }
        if (!DATE_SHAPE.matcher(value).matches()) {
            throw new RowProblem(label(column), label(column) + " is not a date in the form DD/MM/YYYY");
        }
        try {
            return LocalDate.parse(value, DATE);
        } catch (DateTimeParseException e) {
            throw new RowProblem(label(column), label(column) + " is not a real calendar date (DD/MM/YYYY)");
        }
    }

    /** A code from the collection year's list for the field; the code itself may be named, it is not personal data. */
    String code(String column, String field, boolean required, CollectionYear year) throws RowProblem {
        String value = required ? required(column) : text(column);
        if (value == null) {
            return null;
        }
        String problem = year.problem(field, value);
        if (problem != null) {
            throw new RowProblem(label(column), problem.replaceFirst("^" + field, label(column)));
        }
        return value;
    }
}
