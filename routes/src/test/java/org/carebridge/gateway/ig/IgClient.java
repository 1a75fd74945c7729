package org.carebridge.gateway.ig;

import org.carebridge.gateway.support.PartnerClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/** An IG user as a test sees it: HTTPS trusting the dev CA, no client certificate, HTTP Basic, a Bearer token or nothing. */
final class IgClient {

    private final HttpClient client;
    private final String baseUrl;
    private final String authorization;

    private IgClient(HttpClient client, String baseUrl, String authorization) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    static IgClient as(String username, String password, Path caFile, String baseUrl) throws Exception {
        return new IgClient(http(caFile), baseUrl, "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    static IgClient bearer(String token, Path caFile, String baseUrl) throws Exception {
        return new IgClient(http(caFile), baseUrl, "Bearer " + token);
    }

    static IgClient anonymous(Path caFile, String baseUrl) throws Exception {
        return new IgClient(http(caFile), baseUrl, null);
    }

    HttpResponse<String> get(String path) throws Exception {
        return get(path, null);
    }

    HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return send(request);
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient http(Path caFile) throws Exception {
        return HttpClient.newBuilder().sslContext(PartnerClient.tls(null, null, caFile)).connectTimeout(Duration.ofSeconds(10)).build();
    }
}
