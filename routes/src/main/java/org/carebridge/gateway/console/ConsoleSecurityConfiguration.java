package org.carebridge.gateway.console;

import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.ig.IgRole;
import org.carebridge.gateway.ig.IgSignIn;
import org.carebridge.gateway.ig.IgSignInThrottle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import java.io.IOException;

/**
 * The console ({@code /console/**}): people sign in with a form (the same local users as the IG API), get a session
 * that times out ({@code server.servlet.session.timeout}), and every change needs the session's CSRF token. Pages
 * allow no inline script and may not be framed. The admin API ({@code /admin/api/**}): the same users with HTTP Basic,
 * stateless; changes accept only JSON bodies, which a cross-site form cannot send.
 * Reading operator and administrator pages is open to operator, admin and auditor; changing needs operator (dead
 * letters) or admin (partners). IG pages take ig-officer and auditor. Agreements are read by admin, ig-officer and
 * auditor; an admin writes or withdraws drafts and an ig-officer approves or rejects them. Every refusal is audited.
 * With {@code carebridge.console.oidc} set, people may also sign in through the organisation's identity provider
 * (authorization code), their roles taken from a claim of the ID token, and signing out ends the provider's session too.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurityConfiguration {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    static final String SIGNED_OUT = "/console/sign-in?signed-out";

    private static final String ADMIN = IgRole.ADMIN.name();
    private static final String OPERATOR = IgRole.OPERATOR.name();
    private static final String AUDITOR = IgRole.AUDITOR.name();
    private static final String IG_OFFICER = IgRole.IG_OFFICER.name();

    @Bean
    @Order(0)
    SecurityFilterChain consoleChain(HttpSecurity http, AuditTrail audit, IgSignIn signIn, ConsoleOidcProperties oidc,
                                     org.springframework.jdbc.core.JdbcTemplate jdbc) throws Exception {
        AccessDeniedHandler forbidden = (request, response, e) -> {
            Authentication user = SecurityContextHolder.getContext().getAuthentication();
            boolean csrf = e instanceof CsrfException;
            audit.record(AuditFact.of(AuditKind.REFUSED, user == null ? null : user.getName(), user == null ? null : IgRole.of(user))
                    .outcome("403", csrf ? "console-csrf-token-missing" : "console-role-required"));
            response.sendRedirect(request.getContextPath() + "/console/forbidden" + (csrf ? "?expired" : ""));
        };
        org.springframework.security.oauth2.client.registration.ClientRegistrationRepository registrations =
                oidc.enabled() ? ConsoleOidc.registrations(oidc) : null;
        http.securityMatcher("/console/**")
                // local users behind the throttle and, when configured, the identity provider: no other way in
                .authenticationManager(oidc.enabled() ? new ProviderManager(signIn, ConsoleOidc.provider(oidc)) : new ProviderManager(signIn))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/console/sign-in", "/console/assets/**", "/console/webjars/**").permitAll()
                        .requestMatchers(ConsoleOidc.AUTHORIZATION_BASE + "/**", ConsoleOidc.CALLBACK_BASE + "/**").permitAll()
                        .requestMatchers(HttpMethod.GET, "/console/forbidden").permitAll()
                        .requestMatchers(HttpMethod.GET, "/console/partners/new", "/console/partners/*/edit", "/console/partners/*/retire",
                                "/console/partners/*/development-certificate.*").hasRole(ADMIN)
                        .requestMatchers("/console/demo/**").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.GET, "/console/operations/**", "/console/partners/**", "/console/certificates")
                            .hasAnyRole(ADMIN, OPERATOR, AUDITOR)
                        .requestMatchers(HttpMethod.POST, "/console/operations/**").hasRole(OPERATOR)
                        .requestMatchers(HttpMethod.POST, "/console/partners/**").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.GET, "/console/agreements", "/console/agreements/**").hasAnyRole(ADMIN, IG_OFFICER, AUDITOR)
                        .requestMatchers(HttpMethod.POST, "/console/agreements/drafts/*/approve", "/console/agreements/drafts/*/reject")
                            .hasRole(IG_OFFICER)
                        .requestMatchers(HttpMethod.POST, "/console/agreements/drafts/*/withdraw").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.POST, "/console/agreements/drafts", "/console/agreements/drafts/*/edit").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.POST, "/console/ig/overrides/*/review").hasRole(IG_OFFICER)
                        .requestMatchers("/console/ig/**").hasAnyRole(IG_OFFICER, AUDITOR)
                        .requestMatchers(HttpMethod.GET, "/console", "/console/").authenticated()
                        .anyRequest().denyAll())
                .formLogin(form -> form.loginPage("/console/sign-in").loginProcessingUrl("/console/sign-in")
                        .defaultSuccessUrl("/console/", false).failureHandler((request, response, e) -> response.sendRedirect(request.getContextPath()
                                + (e instanceof IgSignInThrottle.Throttled ? "/console/sign-in?wait" : "/console/sign-in?error"))))
                .logout(logout -> logout.logoutUrl("/console/sign-out").deleteCookies("JSESSIONID")
                        .logoutSuccessHandler(ConsoleOidc.signOut(registrations, SIGNED_OUT)))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED)
                        .sessionFixation(fixation -> fixation.changeSessionId())
                        .invalidSessionUrl("/console/sign-in?expired"))
                .exceptionHandling(exceptions -> exceptions.accessDeniedHandler(forbidden))
                .httpBasic(AbstractHttpConfigurer::disable)
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(oidc)))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
        if (oidc.enabled()) {
            http.addFilterBefore(new ConsoleOidcCallback(),
                    org.springframework.security.oauth2.client.web.OAuth2LoginAuthenticationFilter.class);
            http.oauth2Login(login -> login.loginPage("/console/sign-in")
                    .clientRegistrationRepository(registrations)
                    .authorizationEndpoint(endpoint -> endpoint.baseUri(ConsoleOidc.AUTHORIZATION_BASE)
                            .authorizationRequestRepository(new ConsoleOidcSignIns(jdbc)))
                    .redirectionEndpoint(endpoint -> endpoint.baseUri(ConsoleOidc.CALLBACK_BASE + "/*"))
                    .userInfoEndpoint(users -> users.oidcUserService(ConsoleOidc.users(oidc)))
                    .defaultSuccessUrl("/console/", true)
                    .failureHandler((request, response, e) -> {
                        // an OAuth2 error code (invalid_grant, authorization_request_not_found...), never a person's details
                        org.slf4j.LoggerFactory.getLogger(ConsoleSecurityConfiguration.class).warn("Console sign-in through the "
                                + "identity provider failed: {}", e instanceof org.springframework.security.oauth2.core.OAuth2AuthenticationException o
                                ? o.getError().getErrorCode() : e.getClass().getSimpleName());
                        audit.record(AuditFact.of(AuditKind.REFUSED, null, "unauthenticated").outcome("401", "console-oidc-sign-in-failed"));
                        response.sendRedirect(request.getContextPath() + "/console/sign-in?oidc-error");
                    }));
        }
        return http.build();
    }

    /**
     * Signing out sends the browser on to the identity provider's end-session endpoint, the redirect of a form post, which
     * browsers hold to form-action: the provider's origin is allowed there, and nowhere else.
     */
    static String contentSecurityPolicy(ConsoleOidcProperties oidc) {
        String provider = oidc.enabled() ? ConsoleOidc.origin(oidc.issuerUri()) : null;
        return provider == null ? CONTENT_SECURITY_POLICY
                : CONTENT_SECURITY_POLICY.replace("form-action 'self'", "form-action 'self' " + provider);
    }

    @Bean
    @Order(0)
    SecurityFilterChain adminApiChain(HttpSecurity http, AuditTrail audit, IgSignIn signIn) throws Exception {
        http.securityMatcher("/admin/api/**")
                .authenticationManager(new ProviderManager(signIn))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, "/admin/api/agreements", "/admin/api/agreements/**").hasAnyRole(ADMIN, IG_OFFICER, AUDITOR)
                        .requestMatchers(HttpMethod.POST, "/admin/api/agreements/drafts/*/approve", "/admin/api/agreements/drafts/*/reject")
                            .hasRole(IG_OFFICER)
                        .requestMatchers(HttpMethod.POST, "/admin/api/agreements/drafts/*/withdraw").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.POST, "/admin/api/agreements/drafts", "/admin/api/agreements/drafts/*").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.GET, "/admin/api/partners/*/development-certificate.*").hasRole(ADMIN)
                        .requestMatchers("/admin/api/demo/**").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.GET, "/admin/api/**").hasAnyRole(ADMIN, OPERATOR, AUDITOR)
                        .requestMatchers(HttpMethod.POST, "/admin/api/dead-letters/**").hasRole(OPERATOR)
                        .requestMatchers(HttpMethod.POST, "/admin/api/partners/**").hasRole(ADMIN)
                        .anyRequest().denyAll())
                .httpBasic(basic -> basic.realmName("CareBridge admin API").authenticationEntryPoint((request, response, e) -> {
                    audit.record(AuditFact.of(AuditKind.REFUSED, null, "unauthenticated").outcome("401", "admin-authentication-required"));
                    response.setHeader("WWW-Authenticate", "Basic realm=\"CareBridge admin API\", charset=\"UTF-8\"");
                    problem(response, 401, "Sign-in required", "Credentials of a console user are required (HTTP Basic)");
                }))
                .exceptionHandling(exceptions -> exceptions.accessDeniedHandler((request, response, e) -> {
                    Authentication user = SecurityContextHolder.getContext().getAuthentication();
                    audit.record(AuditFact.of(AuditKind.REFUSED, user == null ? null : user.getName(), user == null ? null : IgRole.of(user))
                            .outcome("403", "admin-role-required"));
                    problem(response, 403, "Not allowed", "Your role does not allow this action; nothing was changed");
                }))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
        return http.build();
    }

    private static void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}");
    }
}
