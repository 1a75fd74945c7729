package org.carebridge.connectors.ssda903;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.carebridge.security.config.ConfigurationException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The register of children's homes by Ofsted URN ({@code config/homes.yaml}): where a placement's receiving area comes
 * from when the file names none. A URN not in the register leaves the area unknown; it is never guessed from a postcode.
 */
public final class ChildrensHomes {

    /** A registered setting: its URN, name and the local authority area it lies in. */
    public record Home(String urn, String name, String area) {
    }

    private static final Pattern URN = Pattern.compile("[A-Z0-9]{6,8}");
    private static final Pattern AREA = Pattern.compile("[EWSN]\\d{8}");

    private final Map<String, Home> byUrn;

    public ChildrensHomes(List<Home> homes) {
        Map<String, Home> map = new LinkedHashMap<>();
        homes.forEach(h -> map.put(h.urn(), h));
        this.byUrn = Map.copyOf(map);
    }

    public static ChildrensHomes load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigurationException(file.toString(), "cannot be read as YAML: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        List<Home> homes = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root == null ? List.<JsonNode>of() : root.path("homes")) {
            index++;
            String urn = node.path("urn").asText("");
            String area = node.path("area").asText("");
            if (!URN.matcher(urn).matches()) {
                problems.add("home #" + index + ": urn must be an Ofsted URN (6 to 8 capital letters and digits)");
            } else if (!AREA.matcher(area).matches()) {
                problems.add("home '" + urn + "': area must be a local authority code (e.g. E10000020)");
            } else {
                homes.add(new Home(urn, node.path("name").asText(null), area));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        return new ChildrensHomes(homes);
    }

    public Optional<Home> byUrn(String urn) {
        return Optional.ofNullable(urn == null ? null : byUrn.get(urn));
    }
}
