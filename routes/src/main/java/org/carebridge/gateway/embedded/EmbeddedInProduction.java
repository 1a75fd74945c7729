package org.carebridge.gateway.embedded;

import java.util.List;

/** The production profile was asked to run on an embedded database or broker, which it refuses unless told otherwise. */
public class EmbeddedInProduction extends RuntimeException {

    private final List<String> embedded;

    public EmbeddedInProduction(List<String> embedded) {
        super("The production profile refuses to start on " + String.join(" and ", embedded));
        this.embedded = List.copyOf(embedded);
    }

    public List<String> embedded() {
        return embedded;
    }
}
