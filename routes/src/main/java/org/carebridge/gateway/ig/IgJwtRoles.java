package org.carebridge.gateway.ig;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An IG user from a Bearer JWT: the roles claim (a list, or a space- or comma-separated string, at a dotted path) gives
 * ig-officer and/or auditor; other values are ignored, so a token without either role is authenticated but refused.
 */
final class IgJwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String rolesClaim;
    private final String usernameClaim;

    IgJwtRoles(String rolesClaim, String usernameClaim) {
        this.rolesClaim = rolesClaim;
        this.usernameClaim = usernameClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Set<GrantedAuthority> authorities = new LinkedHashSet<>();
        for (String value : RoleClaims.at(jwt.getClaims(), rolesClaim)) {
            // Bearer tokens serve the IG API only: the console's admin and operator roles are not taken from them
            for (IgRole role : new IgRole[]{IgRole.IG_OFFICER, IgRole.AUDITOR}) {
                if (role.configName().equals(value)) {
                    authorities.add(new SimpleGrantedAuthority(role.authority()));
                }
            }
        }
        String name = jwt.getClaimAsString(usernameClaim);
        return new JwtAuthenticationToken(jwt, authorities, name == null || name.isBlank() ? jwt.getSubject() : name);
    }
}
