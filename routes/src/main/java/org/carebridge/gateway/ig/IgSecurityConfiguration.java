package org.carebridge.gateway.ig;

import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.UnauthenticatedRefusals;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;
import java.security.cert.X509Certificate;

/**
 * Two filter chains. {@code /ig/**} and {@code /fhir/AuditEvent}: information-governance users, HTTP Basic, stateless,
 * roles IG_OFFICER and AUDITOR (and Bearer JWTs when {@code carebridge.ig.oidc} is configured); a partner certificate
 * without IG credentials gets 403. Basic sign-in is throttled ({@link IgSignInThrottle}); refusals before sign-in are
 * tallied per address ({@link UnauthenticatedRefusals}), those of a known partner or user recorded one by one.
 * Everything else: permitted here, because partner traffic is authenticated by its TLS client certificate
 * ({@code PartnerCertificateFilter}); this chain adds no Basic auth, login page, session or CSRF token.
 */
@Configuration(proxyBeanMethods = false)
public class IgSecurityConfiguration {

    static final String REALM = "CareBridge information governance";
    static final String FHIR_AUDIT_EVENT = "/fhir/AuditEvent";

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    InMemoryUserDetailsManager igUsers(IgProperties ig, CarebridgeProperties carebridge, PasswordEncoder encoder) {
        return new InMemoryUserDetailsManager(IgUsers.load(ig, carebridge, encoder));
    }

    /** One throttled sign-in for every chain that takes a local user's password. */
    @Bean
    IgSignIn igSignIn(InMemoryUserDetailsManager igUsers, PasswordEncoder encoder, IgSignInThrottle throttle) {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(igUsers);
        passwords.setPasswordEncoder(encoder);
        return new IgSignIn(passwords, igUsers, throttle);
    }

    @Bean
    @Order(1)
    SecurityFilterChain igChain(HttpSecurity http, OperationOutcomes outcomes, AuditTrail audit, PartnerRegistry partners,
                                IgProperties ig, IgSignIn signIn, UnauthenticatedRefusals refusals) throws Exception {
        IgProperties.Oidc oidc = ig.oidc();
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
            X509Certificate[] certificates = (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate");
            if (certificates != null && certificates.length > 0 && request.getHeader(HttpHeaders.AUTHORIZATION) == null) {
                // a partner's certificate, no IG credentials: partners never see the ledger
                String partner = partners.byCertificate(certificates[0]).map(Partner::id).orElse(null);
                if (partner == null) {
                    refusals.refused(request.getRemoteAddr(), 403, "partner-not-ig");
                } else {
                    audit.record(AuditFact.of(AuditKind.REFUSED, partner, "partner").outcome("403", "partner-not-ig"));
                }
                write(response, outcomes.error(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN,
                        "A partner certificate gives no access to the audit ledger; information-governance credentials are required"));
                return;
            }
            if (e instanceof IgSignInThrottle.Throttled throttled) {
                refusals.refused(request.getRemoteAddr(), 429, throttled.locked() ? "ig-sign-in-locked" : "ig-sign-in-delayed");
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, throttled.retryAfter().toSeconds()
                        + (throttled.retryAfter().toMillisPart() > 0 ? 1 : 0))));
                write(response, outcomes.error(HttpStatus.TOO_MANY_REQUESTS, IssueType.THROTTLED, throttled.locked()
                        ? "Too many failed sign-ins: sign-in is locked for a while; an IG officer can clear the lockout"
                        : "Too many failed sign-ins: wait before trying again"));
                return;
            }
            refusals.refused(request.getRemoteAddr(), 401,
                    e instanceof BadCredentialsException ? "ig-sign-in-failed" : "ig-authentication-required");
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            if (oidc.enabled()) {
                response.addHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"");
            }
            write(response, outcomes.error(HttpStatus.UNAUTHORIZED, IssueType.LOGIN,
                    "Information-governance credentials are required"));
        };
        AccessDeniedHandler forbidden = (request, response, e) -> {
            Authentication user = SecurityContextHolder.getContext().getAuthentication();
            audit.record(AuditFact.of(AuditKind.REFUSED, user == null ? null : user.getName(), user == null ? null : IgRole.of(user))
                    .outcome("403", "ig-role-required"));
            write(response, outcomes.error(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN,
                    "Your role does not allow this action"));
        };
        http.securityMatcher("/ig", "/ig/**", FHIR_AUDIT_EVENT)
                .authenticationManager(new ProviderManager(signIn))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, "/ig/overrides/*/review").hasRole(IgRole.IG_OFFICER.name())
                        .requestMatchers(HttpMethod.POST, "/ig/reports/monthly/send").hasRole(IgRole.IG_OFFICER.name())
                        .requestMatchers(IgSignInLockoutController.PATH, IgSignInLockoutController.PATH + "/**")
                        .hasRole(IgRole.IG_OFFICER.name())
                        .anyRequest().hasAnyRole(IgRole.IG_OFFICER.name(), IgRole.AUDITOR.name()))
                .httpBasic(basic -> basic.realmName(REALM).authenticationEntryPoint(unauthenticated))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(unauthenticated).accessDeniedHandler(forbidden))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable);
        if (oidc.enabled()) {
            JwtDecoder decoder = IgOidc.decoder(oidc);
            JwtAuthenticationProvider tokens = new JwtAuthenticationProvider(decoder);
            tokens.setJwtAuthenticationConverter(new IgJwtRoles(oidc.rolesClaim(), oidc.usernameClaim()));
            http.oauth2ResourceServer(server -> server
                    // its own manager: the chain's is the throttled Basic sign-in
                    .jwt(jwt -> jwt.authenticationManager(new ProviderManager(tokens)))
                    .authenticationEntryPoint(unauthenticated)
                    .accessDeniedHandler(forbidden));
        }
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain partnerChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
        return http.build();
    }

    private static void write(HttpServletResponse response, ResponseEntity<String> entity) throws IOException {
        response.setStatus(entity.getStatusCode().value());
        response.setContentType(OperationOutcomes.FHIR_JSON.toString());
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(entity.getBody());
    }
}
