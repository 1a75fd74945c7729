package org.carebridge.gateway.ig;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The roles of people, as configured ({@code ig-officer}) and as Spring Security sees them ({@code IG_OFFICER}); one
 * person may hold several. The IG API takes ig-officer and auditor; the console and the admin API take all four.
 */
public enum IgRole {
    IG_OFFICER("ig-officer"),
    AUDITOR("auditor"),
    /** Partners and their endpoints: suspend and resume. */
    ADMIN("admin"),
    /** Queues, dead letters and re-delivery. */
    OPERATOR("operator");

    private final String configName;

    IgRole(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public String authority() {
        return "ROLE_" + name();
    }

    public static IgRole fromConfig(String name) {
        return Arrays.stream(values()).filter(r -> r.configName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("carebridge.ig.users: unknown role '" + name
                        + "' (expected one of " + Arrays.stream(values()).map(IgRole::configName).toList() + ")"));
    }

    /** The role an action is recorded under: ig-officer when the user holds it, else auditor. */
    public static String of(Authentication authentication) {
        Set<String> held = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
        for (IgRole role : values()) {
            if (held.contains(role.authority())) {
                return role.configName();
            }
        }
        return "unknown";
    }
}
