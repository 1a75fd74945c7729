package org.carebridge.connectors.police;

import java.util.List;

/** A police event document refused whole. Each problem names a JSON path and what is wrong, never a value. */
public class PoliceEventRefused extends RuntimeException {

    private final List<String> problems;

    public PoliceEventRefused(List<String> problems) {
        super(String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
