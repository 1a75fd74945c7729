package org.carebridge.connectors.ssda903;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One collection year's SSDA903 code lists ({@code config/formats/ssda903/<year>.yaml}), with the other years known,
 * so that a code from another year's list is refused naming that year.
 *
 * @param codes field (RNE, LS, CIN, PLACE, PLACE_PROVIDER, MISSING, ETHNIC) to code to display
 */
public record CollectionYear(String year, Map<String, Map<String, String>> codes, List<CollectionYear> others) {

    public CollectionYear {
        codes = Map.copyOf(codes);
        others = List.copyOf(others);
    }

    public Optional<String> display(String field, String code) {
        return Optional.ofNullable(codes.getOrDefault(field, Map.of()).get(code));
    }

    /** Why the code is not in this year's list for the field, naming the year(s) whose list has it; null when it is. */
    String problem(String field, String code) {
        if (display(field, code).isPresent()) {
            return null;
        }
        List<String> in = others.stream().filter(o -> o.display(field, code).isPresent()).map(CollectionYear::year).toList();
        String shown = code.matches("[A-Za-z0-9]{1,6}") ? "'" + code + "'" : "the value";
        return field + " " + shown + " is not in the " + year + " code list"
                + (in.isEmpty() ? "" : " (it is a " + String.join(" and ", in) + " code)");
    }
}
