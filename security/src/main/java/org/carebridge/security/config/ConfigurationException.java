package org.carebridge.security.config;

import java.util.List;

/** Configuration that cannot be applied. The message names the file, the item and what is wrong; it never holds personal data. */
public class ConfigurationException extends RuntimeException {

    private final String source;
    private final List<String> problems;

    public ConfigurationException(String source, List<String> problems) {
        super(source + ": " + String.join("; ", problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public ConfigurationException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problems = List.of(problem);
    }

    /** The file (or folder) the problems are in. */
    public String source() {
        return source;
    }

    public List<String> problems() {
        return problems;
    }
}
