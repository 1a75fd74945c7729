package org.carebridge.gateway.ig;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class IgJwtRolesTest {

    @Test
    void aListOfRolesGivesTheIgRolesAndTheUsernameNamesTheUser() {
        AbstractAuthenticationToken user = new IgJwtRoles("roles", "preferred_username").convert(jwt(claims -> claims
                .claim("roles", List.of("auditor", "ig-officer", "admin")).claim("preferred_username", "jo.officer")));
        assertThat(authorities(user)).containsExactlyInAnyOrder("ROLE_AUDITOR", "ROLE_IG_OFFICER");
        assertThat(user.getName()).isEqualTo("jo.officer");
        assertThat(IgRole.of(user)).isEqualTo("ig-officer");
    }

    @Test
    void aSpaceOrCommaSeparatedClaimAtADottedPathWorksAndTheSubjectIsTheFallbackName() {
        IgJwtRoles keycloak = new IgJwtRoles("realm_access.roles", "preferred_username");
        AbstractAuthenticationToken user = keycloak.convert(jwt(claims -> claims.claim("realm_access", Map.of("roles", "offline auditor,uma"))));
        assertThat(authorities(user)).containsExactly("ROLE_AUDITOR");
        assertThat(user.getName()).isEqualTo("subject-1");
        assertThat(IgRole.of(user)).isEqualTo("auditor");
    }

    @Test
    void noClaimOrOtherRolesGiveNoIgRole() {
        IgJwtRoles converter = new IgJwtRoles("roles", "preferred_username");
        assertThat(authorities(converter.convert(jwt(claims -> { })))).isEmpty();
        assertThat(authorities(converter.convert(jwt(claims -> claims.claim("roles", List.of("IG-OFFICER", "ig_officer")))))).isEmpty();
        assertThat(authorities(new IgJwtRoles("realm_access.roles", "x").convert(jwt(claims -> claims.claim("realm_access", "auditor")))))
                .isEmpty();
    }

    private static Jwt jwt(Consumer<Jwt.Builder> claims) {
        Jwt.Builder builder = Jwt.withTokenValue("token").header("alg", "RS256").subject("subject-1")
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60));
        claims.accept(builder);
        return builder.build();
    }

    private static List<String> authorities(AbstractAuthenticationToken token) {
        return token.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
    }
}
