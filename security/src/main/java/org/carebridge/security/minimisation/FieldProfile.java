package org.carebridge.security.minimisation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The elements one kind of recipient may see, as FHIR paths ({@code Patient.birthDate}, {@code Patient.name.given}).
 * Naming an element allows its coded and structural content beneath it; the free text beneath it only where its exact
 * path is named ({@link CopyMinimiser}). Naming a child allows only that child. Resource types not named are left out
 * altogether, and so is everything else: free text, narrative and unknown elements go first.
 */
public record FieldProfile(String name, String description, Set<String> elements) {

    public FieldProfile {
        elements = Set.copyOf(new LinkedHashSet<>(elements));
    }

    public static FieldProfile of(String name, List<String> elements) {
        return new FieldProfile(name, null, new LinkedHashSet<>(elements));
    }

    /** The element at this path, and everything beneath it, may be sent. */
    public boolean allowsWhole(String path) {
        String p = path;
        while (true) {
            if (elements.contains(p)) {
                return true;
            }
            int dot = p.lastIndexOf('.');
            if (dot < 0) {
                return false;
            }
            p = p.substring(0, dot);
        }
    }

    /** Some element beneath this path may be sent, so it is kept as a container and its children filtered. */
    public boolean allowsSomeBeneath(String path) {
        String prefix = path + ".";
        return elements.stream().anyMatch(e -> e.startsWith(prefix));
    }

    public boolean allowsResourceType(String type) {
        return allowsSomeBeneath(type);
    }
}
