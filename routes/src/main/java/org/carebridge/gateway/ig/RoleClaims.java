package org.carebridge.gateway.ig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The role names an identity provider puts in a token's claim: a dotted path to a list, or to one spaced string. */
public final class RoleClaims {

    private RoleClaims() {
    }

    public static List<String> at(Map<String, Object> claims, String dottedPath) {
        return values(claim(claims, dottedPath));
    }

    private static Object claim(Map<String, Object> claims, String path) {
        Object value = claims;
        for (String part : path.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(part);
        }
        return value;
    }

    private static List<String> values(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof Collection<?> list) {
            list.forEach(v -> values.add(String.valueOf(v).strip()));
        } else if (claim instanceof String text) {
            for (String v : text.split("[\\s,]+")) {
                values.add(v);
            }
        }
        return values;
    }
}
