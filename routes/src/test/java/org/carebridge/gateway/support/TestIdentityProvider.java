package org.carebridge.gateway.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OpenID Connect provider on loopback for the console's sign-in tests: discovery, an authorization endpoint with a
 * sign-in form, a token endpoint (authorization code, client secret by HTTP Basic) issuing RS256 ID tokens, and the
 * JWK set. Its people are a username and the roles claim its tokens carry. The protocol is the real one, end to end
 * through the browser; the people and the single client are the test's. A person who signed in has a session here (a
 * cookie), offered as "Continue as" on the next authorization, until RP-initiated logout at the end-session endpoint
 * ends it: that checks the ID token given as id_token_hint and sends the browser to post_logout_redirect_uri.
 */
public final class TestIdentityProvider implements AutoCloseable {

    public static final String CLIENT_ID = "carebridge-console";
    public static final String CLIENT_SECRET = "test-client-secret";

    private record Grant(String username, String nonce, String redirectUri, Instant expires) {
    }

    private final HttpServer server;
    private final RSAKey key;
    private final Map<String, List<String>> people;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private final List<String> signedOut = new java.util.concurrent.CopyOnWriteArrayList<>();

    public TestIdentityProvider(Map<String, List<String>> people) {
        this.people = Map.copyOf(people);
        try {
            this.key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/logout", this::logout);
        server.createContext("/jwks", exchange -> send(exchange, 200, "application/json", new JWKSet(key.toPublicJWK()).toString()));
        server.start();
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The subjects whose session ended through RP-initiated logout, in order. */
    public List<String> signedOut() {
        return List.copyOf(signedOut);
    }

    private void discovery(HttpExchange exchange) throws IOException {
        String issuer = issuer();
        send(exchange, 200, "application/json", """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token","jwks_uri":"%1$s/jwks","end_session_endpoint":"%1$s/logout",
                 "response_types_supported":["code"],"subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["RS256"],"scopes_supported":["openid","profile"],
                 "token_endpoint_auth_methods_supported":["client_secret_basic"],"grant_types_supported":["authorization_code"]}"""
                .formatted(issuer));
    }

    /** GET shows the sign-in form; POST signs the named person in and sends the browser back with a code. */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        if ("POST".equals(exchange.getRequestMethod())) {
            Map<String, String> posted = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String username = posted.containsKey("continue") ? signedIn(exchange) : posted.get("username");
            if (!CLIENT_ID.equals(posted.get("client_id")) || username == null || !people.containsKey(username)) {
                send(exchange, 400, "text/plain", "unknown client or person");
                return;
            }
            String session = UUID.randomUUID().toString();
            sessions.put(session, username);
            exchange.getResponseHeaders().add("Set-Cookie", "idp_session=" + session + "; Path=/; HttpOnly; SameSite=Lax");
            String code = UUID.randomUUID().toString();
            codes.put(code, new Grant(username, posted.get("nonce"), posted.get("redirect_uri"), Instant.now().plusSeconds(60)));
            exchange.getResponseHeaders().add("Location", posted.get("redirect_uri") + "?code=" + code + "&state="
                    + URLEncoder.encode(posted.get("state"), StandardCharsets.UTF_8));
            send(exchange, 302, "text/plain", "");
            return;
        }
        if (!"code".equals(query.get("response_type")) || !CLIENT_ID.equals(query.get("client_id"))) {
            send(exchange, 400, "text/plain", "unsupported request");
            return;
        }
        StringBuilder hidden = new StringBuilder();
        for (String name : new String[]{"client_id", "redirect_uri", "state", "nonce"}) {
            hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(html(query.getOrDefault(name, "")))
                    .append("\">");
        }
        String current = signedIn(exchange);
        String resume = current == null ? "" : "<form method=\"post\" action=\"/authorize\">" + hidden
                + "<button type=\"submit\" name=\"continue\" value=\"yes\" id=\"idp-continue\">Continue as " + html(current) + "</button></form>";
        send(exchange, 200, "text/html; charset=utf-8", """
                <!DOCTYPE html><html lang="en"><head><title>Test identity provider</title></head><body><main>
                <h1>Test identity provider</h1>%s<form method="post" action="/authorize">%s
                <label for="idp-username">Username</label><input id="idp-username" name="username" type="text">
                <button type="submit" id="idp-sign-in">Sign in</button></form></main></body></html>""".formatted(resume, hidden));
    }

    private void token(HttpExchange exchange) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        Map<String, String> posted = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}");
            return;
        }
        Grant grant = codes.remove(posted.getOrDefault("code", ""));
        if (!"authorization_code".equals(posted.get("grant_type")) || grant == null || grant.expires().isBefore(Instant.now())
                || !grant.redirectUri().equals(posted.get("redirect_uri"))) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer()).subject("sub-" + grant.username()).audience(CLIENT_ID)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("preferred_username", grant.username()).claim("roles", people.get(grant.username()));
        if (grant.nonce() != null && !grant.nonce().isEmpty()) {
            claims.claim("nonce", grant.nonce());
        }
        SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
        try {
            idToken.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        send(exchange, 200, "application/json", "{\"access_token\":\"" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                + "\"scope\":\"openid profile\",\"id_token\":\"" + idToken.serialize() + "\"}");
    }

    /** RP-initiated logout: the ID token must be one this provider signed for the client; the session ends. */
    private void logout(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        String subject;
        try {
            SignedJWT hint = SignedJWT.parse(query.getOrDefault("id_token_hint", ""));
            if (!hint.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(key.toRSAPublicKey()))
                    || !hint.getJWTClaimsSet().getAudience().contains(CLIENT_ID) || !issuer().equals(hint.getJWTClaimsSet().getIssuer())) {
                send(exchange, 400, "text/plain", "id_token_hint is not an ID token of this provider");
                return;
            }
            subject = hint.getJWTClaimsSet().getSubject();
        } catch (java.text.ParseException | JOSEException e) {
            send(exchange, 400, "text/plain", "id_token_hint is not an ID token of this provider");
            return;
        }
        String back = query.get("post_logout_redirect_uri");
        if (back == null || !back.startsWith("https://")) {
            send(exchange, 400, "text/plain", "post_logout_redirect_uri is required");
            return;
        }
        String session = session(exchange);
        if (session != null) {
            sessions.remove(session);
        }
        signedOut.add(subject);
        exchange.getResponseHeaders().add("Set-Cookie", "idp_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        exchange.getResponseHeaders().add("Location", back + (query.containsKey("state")
                ? (back.contains("?") ? "&" : "?") + "state=" + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8) : ""));
        send(exchange, 302, "text/plain", "");
    }

    private String signedIn(HttpExchange exchange) {
        String session = session(exchange);
        return session == null ? null : sessions.get(session);
    }

    private static String session(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String cookie : header.split(";")) {
                String c = cookie.strip();
                if (c.startsWith("idp_session=")) {
                    return c.substring("idp_session=".length());
                }
            }
        }
        return null;
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, status == 302 || bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
