package org.carebridge.gateway.ig;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * The information-governance API ({@code carebridge.ig}). Local users sign in with HTTP Basic; each has a bcrypt
 * password hash in Spring Security's {@code {bcrypt}...} form and the roles {@code ig-officer} and/or {@code auditor}.
 */
@ConfigurationProperties("carebridge.ig")
public record IgProperties(List<User> users) {

    public IgProperties {
        users = users == null ? List.of() : List.copyOf(users);
    }

    public record User(String username, String passwordHash, List<String> roles) {

        public User {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }
}
