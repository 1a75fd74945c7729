package org.carebridge.gateway.console;

import org.carebridge.gateway.ig.IgRole;
import org.carebridge.gateway.ig.RoleClaims;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The console's OIDC client: one registration ({@value #REGISTRATION}), discovered on first use, and the signed-in
 * person's console roles from the configured claim of the ID token (values that are not console roles are ignored,
 * so a person with none is signed in but may do nothing).
 */
final class ConsoleOidc {

    static final String REGISTRATION = "oidc";
    static final String AUTHORIZATION_BASE = "/console/oauth2/authorization";
    static final String CALLBACK_BASE = "/console/login/oauth2/code";

    private ConsoleOidc() {
    }

    /**
     * Sign-out: the console session ends here, and a person who signed in through the provider is sent on to its
     * {@code end_session_endpoint} (RP-initiated logout, from discovery) with their ID token as {@code id_token_hint}
     * and the console's sign-in page as {@code post_logout_redirect_uri}, so the provider's session ends too. A local
     * user, or a provider that offers no end-session endpoint, comes straight back to the sign-in page.
     */
    static org.springframework.security.web.authentication.logout.LogoutSuccessHandler signOut(ClientRegistrationRepository registrations,
                                                                                               String signedOut) {
        org.springframework.security.web.authentication.logout.SimpleUrlLogoutSuccessHandler local =
                new org.springframework.security.web.authentication.logout.SimpleUrlLogoutSuccessHandler();
        local.setDefaultTargetUrl(signedOut);
        if (registrations == null) {
            return local;
        }
        org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler atProvider =
                new org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler(registrations);
        atProvider.setPostLogoutRedirectUri("{baseUrl}" + signedOut);
        atProvider.setDefaultTargetUrl(signedOut);
        return (request, response, authentication) -> {
            if (authentication instanceof org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken token
                    && token.getPrincipal() instanceof OidcUser) {
                atProvider.onLogoutSuccess(request, response, authentication);
            } else {
                local.onLogoutSuccess(request, response, authentication);
            }
        };
    }

    /** {@code scheme://host[:port]} of a URL, or null when it has none. */
    static String origin(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static ClientRegistrationRepository registrations(ConsoleOidcProperties oidc) {
        AtomicReference<ClientRegistration> discovered = new AtomicReference<>();
        return id -> {
            if (!REGISTRATION.equals(id)) {
                return null;
            }
            ClientRegistration registration = discovered.get();
            if (registration == null) {
                registration = ClientRegistrations.fromIssuerLocation(oidc.issuerUri()).registrationId(REGISTRATION)
                        .clientId(oidc.clientId()).clientSecret(oidc.clientSecret())
                        .clientAuthenticationMethod(oidc.clientSecret() == null ? ClientAuthenticationMethod.NONE
                                : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                        .redirectUri("{baseUrl}" + CALLBACK_BASE + "/{registrationId}").scope(oidc.scopes())
                        .userNameAttributeName("sub").build();
                discovered.compareAndSet(null, registration);
            }
            return registration;
        };
    }

    /** Exchanges the code, checks the ID token (signature, issuer, audience, nonce, expiry) and maps the person. */
    static org.springframework.security.authentication.AuthenticationProvider provider(ConsoleOidcProperties oidc) {
        return new org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider(
                new org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient(), users(oidc));
    }

    static OAuth2UserService<OidcUserRequest, OidcUser> users(ConsoleOidcProperties oidc) {
        OidcUserService delegate = new OidcUserService();
        return request -> {
            OidcUser user = delegate.loadUser(request);
            Set<GrantedAuthority> authorities = new LinkedHashSet<>();
            for (String value : RoleClaims.at(user.getClaims(), oidc.rolesClaim())) {
                for (IgRole role : IgRole.values()) {
                    if (role.configName().equals(value)) {
                        authorities.add(new SimpleGrantedAuthority(role.authority()));
                    }
                }
            }
            String nameClaim = user.getClaims().get(oidc.usernameClaim()) instanceof String name && !name.isBlank() ? oidc.usernameClaim() : "sub";
            return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), nameClaim);
        };
    }
}
