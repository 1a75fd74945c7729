package org.carebridge.connectors.ssda903;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.carebridge.security.config.ConfigurationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The SSDA903 code lists of every collection year in a folder, one {@code <year>.yaml} each (e.g. {@code 2025-26.yaml}). */
public final class CollectionYears {

    static final List<String> FIELDS = List.of("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "MISSING", "ETHNIC");

    private final Map<String, CollectionYear> years;

    private CollectionYears(Map<String, CollectionYear> years) {
        this.years = years;
    }

    public static CollectionYears load(Path folder) {
        Map<String, Map<String, Map<String, String>>> raw = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".yaml", "");
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                if (root == null || !name.equals(root.path("year").asText())) {
                    problems.add(file.getFileName() + ": 'year' must be " + name + ", as the file is named");
                    continue;
                }
                Map<String, Map<String, String>> codes = new LinkedHashMap<>();
                for (String field : FIELDS) {
                    JsonNode list = root.path("codes").path(field);
                    if (!list.isObject() || list.isEmpty()) {
                        problems.add(file.getFileName() + ": codes." + field + " is missing");
                        continue;
                    }
                    Map<String, String> entries = new LinkedHashMap<>();
                    list.fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue().asText()));
                    codes.put(field, entries);
                }
                raw.put(name, codes);
            }
        } catch (IOException e) {
            throw new ConfigurationException(folder.toString(), "cannot be read: " + e.getMessage(), e);
        }
        if (raw.isEmpty()) {
            problems.add("no collection year files (<year>.yaml)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(folder.toString(), problems);
        }
        Map<String, CollectionYear> bare = new LinkedHashMap<>();
        raw.forEach((year, codes) -> bare.put(year, new CollectionYear(year, codes, List.of())));
        Map<String, CollectionYear> years = new LinkedHashMap<>();
        raw.forEach((year, codes) -> years.put(year, new CollectionYear(year, codes,
                bare.values().stream().filter(o -> !o.year().equals(year)).toList())));
        return new CollectionYears(years);
    }

    public Optional<CollectionYear> year(String year) {
        return Optional.ofNullable(years.get(year));
    }

    public List<String> names() {
        return List.copyOf(years.keySet());
    }
}
