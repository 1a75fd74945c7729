package org.carebridge.gateway.console;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * The console's sign-in through the organisation's identity provider (OIDC authorization code), off while
 * {@code issuerUri} or {@code clientId} is empty. The provider is discovered from {@code issuerUri} on first use, so the
 * gateway starts while it is unreachable. {@code rolesClaim} (a dotted path in the ID token, e.g.
 * {@code realm_access.roles}) names the console roles (admin, operator, ig-officer, auditor); {@code usernameClaim} is
 * who the ledger records (the subject when absent). The IG API's Bearer tokens are {@code carebridge.ig.oidc}.
 */
@ConfigurationProperties("carebridge.console.oidc")
public record ConsoleOidcProperties(String issuerUri, String clientId, String clientSecret, List<String> scopes, String rolesClaim,
                                    String usernameClaim, String label) {

    public ConsoleOidcProperties {
        issuerUri = blankToNull(issuerUri);
        clientId = blankToNull(clientId);
        clientSecret = blankToNull(clientSecret);
        scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "profile") : List.copyOf(scopes);
        rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim.strip();
        usernameClaim = usernameClaim == null || usernameClaim.isBlank() ? "preferred_username" : usernameClaim.strip();
        label = label == null || label.isBlank() ? "your organisation's account" : label.strip();
    }

    public boolean enabled() {
        return issuerUri != null && clientId != null;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
