package org.carebridge.security.partner;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Whether a partner needs its copies in order ({@code delivery-order} in partners.yaml). {@link #ANY}: its queue's
 * consumers take copies in parallel, in whatever order they finish. {@link #PER_CHILD}: copies about one child reach it
 * in the order the gateway accepted their records, while different children's copies go in parallel.
 */
public enum CopyOrder {
    ANY("any"),
    PER_CHILD("per-child");

    private final String code;

    CopyOrder(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<CopyOrder> fromCode(String code) {
        return Arrays.stream(values()).filter(o -> o.code.equals(code)).findFirst();
    }

    public static List<String> codes() {
        return Arrays.stream(values()).map(CopyOrder::code).toList();
    }
}
