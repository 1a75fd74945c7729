package org.carebridge.gateway.consent;

import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** PUT and DELETE as a partner system, with the same TLS set-up as the PartnerClient (which only posts and gets). */
final class ConsentUpdates {

    private final HttpClient client;
    private final String baseUrl;

    private ConsentUpdates(SSLContext tls, String baseUrl) {
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        this.baseUrl = baseUrl;
    }

    static ConsentUpdates as(DevPki pki, String partnerId, String baseUrl) throws Exception {
        return withCertificate(pki.partnerCertificate(partnerId), pki.partnerKey(partnerId), pki.caCertificate(), baseUrl);
    }

    static ConsentUpdates withCertificate(Path certificate, Path key, Path caFile, String baseUrl) throws Exception {
        return new ConsentUpdates(PartnerClient.tls(certificate, key, caFile), baseUrl);
    }

    HttpResponse<String> put(String path, String body) throws Exception {
        return put(path, body, null);
    }

    HttpResponse<String> put(String path, String body, String ifMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }
}
