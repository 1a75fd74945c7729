package org.carebridge.gateway.report;

import org.carebridge.gateway.CarebridgeProperties;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Local authority areas by name ({@code config/areas.yaml}: ONS code to name), so pages say "Norfolk", not
 * "E10000020". An area not in the file is shown by its code.
 */
@Component
public class AreaNames {

    private final Map<String, String> names;

    public AreaNames(CarebridgeProperties properties) {
        Path file = properties.configDir().resolve("areas.yaml");
        Map<String, String> read = new HashMap<>();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
                if (loaded instanceof Map<?, ?> map && map.get("areas") instanceof Map<?, ?> areas) {
                    areas.forEach((code, name) -> read.put(String.valueOf(code), String.valueOf(name)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        this.names = Map.copyOf(read);
    }

    public String name(String code) {
        if ("unknown".equals(code)) {
            return "Area not recorded";
        }
        String name = names.get(code);
        return name == null ? code : name + " (" + code + ")";
    }
}
