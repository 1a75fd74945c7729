package org.carebridge.security.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML file read as a JSON tree that remembers where every value came from, so that a problem can be reported as
 * {@code file:line}. Keys are JSON pointers ({@code /rules/0/event}).
 */
public final class YamlDocument {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Path file;
    private final JsonNode root;
    private final Map<String, Integer> lines;

    private YamlDocument(Path file, JsonNode root, Map<String, Integer> lines) {
        this.file = file;
        this.root = root;
        this.lines = lines;
    }

    public static YamlDocument read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigurationException(file.toString(), "cannot be read: " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    /** YAML text that is not (yet) a file, such as a draft typed into the console; problems name {@code file}. */
    public static YamlDocument parse(Path file, String text) {
        Node node;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            node = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigurationException(file.toString(), List.of("line " + line + ": not valid YAML: " + e.getProblem()));
        } catch (RuntimeException e) {
            throw new ConfigurationException(file.toString(), "not valid YAML: " + e.getMessage(), e);
        }
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root;
        try {
            root = node == null ? JSON.nullNode() : convert(node, "", lines);
        } catch (DuplicateKey e) {
            throw new ConfigurationException(file.toString(), List.of("line " + e.line + ": key '" + e.key + "' appears twice"));
        }
        return new YamlDocument(file, root, lines);
    }

    public Path file() {
        return file;
    }

    public JsonNode root() {
        return root;
    }

    /** The line of the value at this pointer, or of its nearest ancestor that exists. */
    public int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 1;
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
    }

    /** "line N: problem", for a value at this pointer. */
    public String at(String pointer, String problem) {
        return "line " + line(pointer) + ": " + problem;
    }

    private static final class DuplicateKey extends RuntimeException {
        private final String key;
        private final int line;

        DuplicateKey(String key, int line) {
            super(null, null, false, false);
            this.key = key;
            this.line = line;
        }
    }

    private static JsonNode convert(Node node, String pointer, Map<String, Integer> lines) {
        lines.put(pointer, node.getStartMark().getLine() + 1);
        if (node instanceof MappingNode mapping) {
            ObjectNode object = JSON.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : String.valueOf(tuple.getKeyNode());
                if (object.has(key)) {
                    throw new DuplicateKey(key, tuple.getKeyNode().getStartMark().getLine() + 1);
                }
                object.set(key, convert(tuple.getValueNode(), pointer + "/" + key.replace("~", "~0").replace("/", "~1"), lines));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = JSON.arrayNode();
            int i = 0;
            for (Node item : sequence.getValue()) {
                array.add(convert(item, pointer + "/" + i++, lines));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        try {
            if (Tag.INT.equals(tag)) {
                return JSON.numberNode(Long.parseLong(value.replace("_", "")));
            }
            if (Tag.FLOAT.equals(tag)) {
                return JSON.numberNode(Double.parseDouble(value));
            }
        } catch (NumberFormatException e) {
            return JSON.textNode(value);
        }
        if (Tag.BOOL.equals(tag)) {
            return JSON.booleanNode(Boolean.parseBoolean(value));
        }
        if (Tag.NULL.equals(tag)) {
            return JSON.nullNode();
        }
        return JSON.textNode(value);
    }
}
