package org.carebridge.gateway.console;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;

import org.carebridge.gateway.support.PartnerClient;

/** The dev-only console users the gateway generated on first start, and an admin API client signed in as one of them. */
final class ConsoleUsers {

    private ConsoleUsers() {
    }

    static String password(Path dataDir, String user) {
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(dataDir.resolve("pki/ig-users.dev-only.txt"), StandardCharsets.UTF_8)) {
            passwords.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return passwords.getProperty(user);
    }

    /** The admin API as a script sees it: HTTPS trusting the dev CA, no client certificate, HTTP Basic. */
    record Api(HttpClient http, String baseUrl, String authorization) {

        static Api as(Path dataDir, String user, Path caFile, String baseUrl) throws Exception {
            HttpClient http = HttpClient.newBuilder().sslContext(PartnerClient.tls(null, null, caFile))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            return new Api(http, baseUrl, "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password(dataDir, user)).getBytes(StandardCharsets.UTF_8)));
        }

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", authorization).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String json) throws Exception {
            return post(path, "application/json", json, java.util.Map.of());
        }

        HttpResponse<String> post(String path, String contentType, String body, java.util.Map<String, String> headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", authorization)
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
