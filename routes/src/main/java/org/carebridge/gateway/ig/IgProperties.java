package org.carebridge.gateway.ig;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * The information-governance API ({@code carebridge.ig}). Local users sign in with HTTP Basic; each has a bcrypt
 * password hash in Spring Security's {@code {bcrypt}...} form and the roles {@code ig-officer} and/or {@code auditor}.
 * With {@code oidc} configured, Bearer JWTs from the organisation's identity provider are accepted as well.
 */
@ConfigurationProperties("carebridge.ig")
public record IgProperties(List<User> users, Oidc oidc) {

    public IgProperties {
        users = users == null ? List.of() : List.copyOf(users);
        oidc = oidc == null ? new Oidc(null, null, null, null, null, null) : oidc;
    }

    public record User(String username, String passwordHash, List<String> roles) {

        public User {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    /**
     * An OIDC resource server: tokens are checked against the issuer's published keys ({@code issuerUri}, discovered,
     * or {@code jwkSetUri}) or a fixed RSA public key ({@code publicKeyLocation}, PEM); {@code rolesClaim} (a dotted
     * path, e.g. {@code realm_access.roles}) names ig-officer and/or auditor; {@code usernameClaim} is who the audit
     * records (the subject when absent).
     */
    public record Oidc(String issuerUri, String jwkSetUri, String publicKeyLocation, String audience, String rolesClaim,
                       String usernameClaim) {

        public Oidc {
            issuerUri = blankToNull(issuerUri);
            jwkSetUri = blankToNull(jwkSetUri);
            publicKeyLocation = blankToNull(publicKeyLocation);
            audience = blankToNull(audience);
            rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim.strip();
            usernameClaim = usernameClaim == null || usernameClaim.isBlank() ? "preferred_username" : usernameClaim.strip();
        }

        public boolean enabled() {
            return issuerUri != null || jwkSetUri != null || publicKeyLocation != null;
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text.strip();
        }
    }
}
