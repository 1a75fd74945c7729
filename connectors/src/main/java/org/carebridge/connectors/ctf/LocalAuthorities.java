package org.carebridge.connectors.ctf;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.config.YamlDocument;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DfE local authority numbers (the three digits a CTF names an authority by: {@code LEA}, {@code CareAuthority}) to the
 * ONS codes the gateway's areas use ({@code config/formats/ctf/local-authorities.yaml}). A number not listed is unknown:
 * a pupil in the care of an unknown authority is refused, never guessed.
 */
public final class LocalAuthorities {

    private static final Pattern NUMBER = Pattern.compile("\\d{3}");
    private static final Pattern AREA = Pattern.compile("[EWSN]\\d{8}");

    private final Map<String, String> areas;

    public LocalAuthorities(Map<String, String> areas) {
        this.areas = Map.copyOf(areas);
    }

    public static LocalAuthorities load(Path file) {
        List<String> problems = new ArrayList<>();
        Map<String, String> areas = new LinkedHashMap<>();
        // the project's YAML reader: a number listed twice is refused, not silently the later one
        JsonNode list = YamlDocument.read(file).root().path("local-authorities");
        if (!list.isObject() || list.isEmpty()) {
            problems.add("local-authorities must map DfE local authority numbers to ONS area codes");
        } else {
            list.fields().forEachRemaining(e -> {
                if (!NUMBER.matcher(e.getKey()).matches()) {
                    problems.add("'" + e.getKey() + "' is not a DfE local authority number (three digits)");
                } else if (!AREA.matcher(e.getValue().asText()).matches()) {
                    problems.add(e.getKey() + ": '" + e.getValue().asText() + "' is not an ONS area code (e.g. E10000020)");
                } else {
                    areas.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        return new LocalAuthorities(areas);
    }

    /** The ONS area of a DfE local authority number. */
    public Optional<String> area(String number) {
        return Optional.ofNullable(number == null ? null : areas.get(number));
    }
}
