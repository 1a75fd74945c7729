package org.carebridge.gateway.console;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.SerializationUtils;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Where a console sign-in through the identity provider waits between the redirect out and the redirect back: in
 * PostgreSQL by its state, so any node can finish it. The console's session cookie is SameSite=Strict and does not
 * come back with the provider's cross-site redirect, so the request is bound to the browser by a SameSite=Lax cookie
 * of its own, scoped to the callback path, whose hash must match: a callback link sent to someone else signs no one in.
 */
final class ConsoleOidcSignIns implements AuthorizationRequestRepository<OAuth2AuthorizationRequest> {

    static final String COOKIE = "CAREBRIDGE_OIDC";
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private final JdbcTemplate jdbc;
    private final SecureRandom random = new SecureRandom();

    ConsoleOidcSignIns(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public OAuth2AuthorizationRequest loadAuthorizationRequest(HttpServletRequest request) {
        String state = request.getParameter(OAuth2ParameterNames.STATE);
        String browser = cookie(request);
        if (state == null || browser == null) {
            return null;
        }
        List<byte[]> found = jdbc.query("select request from console_oidc_sign_in where state = ? and browser_hash = ? and created_at > ?",
                (rs, i) -> rs.getBytes(1), state, hash(browser), Timestamp.from(Instant.now().minus(LIFETIME)));
        return found.isEmpty() ? null : (OAuth2AuthorizationRequest) SerializationUtils.deserialize(found.get(0));
    }

    @Override
    public void saveAuthorizationRequest(OAuth2AuthorizationRequest authorizationRequest, HttpServletRequest request,
                                         HttpServletResponse response) {
        if (authorizationRequest == null) {
            return;
        }
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String browser = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = Instant.now();
        jdbc.update("delete from console_oidc_sign_in where created_at < ?", Timestamp.from(now.minus(LIFETIME)));
        jdbc.update("insert into console_oidc_sign_in (state, browser_hash, request, created_at) values (?, ?, ?, ?)",
                authorizationRequest.getState(), hash(browser), SerializationUtils.serialize(authorizationRequest), Timestamp.from(now));
        response.addHeader("Set-Cookie", ResponseCookie.from(COOKIE, browser).path(request.getContextPath() + ConsoleOidc.CALLBACK_BASE)
                .httpOnly(true).secure(true).sameSite("Lax").maxAge(LIFETIME).build().toString());
    }

    @Override
    public OAuth2AuthorizationRequest removeAuthorizationRequest(HttpServletRequest request, HttpServletResponse response) {
        OAuth2AuthorizationRequest found = loadAuthorizationRequest(request);
        if (found != null) {
            jdbc.update("delete from console_oidc_sign_in where state = ?", found.getState());
            response.addHeader("Set-Cookie", ResponseCookie.from(COOKIE, "").path(request.getContextPath() + ConsoleOidc.CALLBACK_BASE)
                    .httpOnly(true).secure(true).sameSite("Lax").maxAge(0).build().toString());
        }
        return found;
    }

    private static String cookie(HttpServletRequest request) {
        if (request.getCookies() == null) {
            return null;
        }
        for (Cookie cookie : request.getCookies()) {
            if (COOKIE.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private static String hash(String browser) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(browser.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
