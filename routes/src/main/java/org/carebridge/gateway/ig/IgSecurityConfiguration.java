package org.carebridge.gateway.ig;

import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;

/**
 * Two filter chains. {@code /ig/**}: information-governance users, HTTP Basic, stateless, roles IG_OFFICER and AUDITOR.
 * Everything else: permitted here, because partner traffic is authenticated by its TLS client certificate
 * ({@code PartnerCertificateFilter}); this chain adds no Basic auth, login page, session or CSRF token.
 */
@Configuration(proxyBeanMethods = false)
public class IgSecurityConfiguration {

    static final String REALM = "CareBridge information governance";

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService igUsers(IgProperties ig, CarebridgeProperties carebridge, PasswordEncoder encoder) {
        return new InMemoryUserDetailsManager(IgUsers.load(ig, carebridge, encoder));
    }

    @Bean
    @Order(1)
    SecurityFilterChain igChain(HttpSecurity http, OperationOutcomes outcomes, AuditTrail audit) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
            audit.record(AuditFact.of(AuditKind.REFUSED, null, "unauthenticated").outcome("401", "ig-authentication-required"));
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
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
        http.securityMatcher("/ig/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, "/ig/overrides/*/review").hasRole(IgRole.IG_OFFICER.name())
                        .requestMatchers(HttpMethod.POST, "/ig/reports/monthly/send").hasRole(IgRole.IG_OFFICER.name())
                        .anyRequest().hasAnyRole(IgRole.IG_OFFICER.name(), IgRole.AUDITOR.name()))
                .httpBasic(basic -> basic.realmName(REALM).authenticationEntryPoint(unauthenticated))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(unauthenticated).accessDeniedHandler(forbidden))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable);
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
