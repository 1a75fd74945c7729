package org.carebridge.gateway.support;

import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

/** A partner system as a test sees it: an HTTPS client presenting a partner's certificate (or none). */
public final class PartnerClient {

    private final HttpClient client;
    private final String baseUrl;

    private PartnerClient(SSLContext tls, String baseUrl) {
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        this.baseUrl = baseUrl;
    }

    /** Presents the certificate and key in PEM files; trusts the CA in {@code caFile}. */
    public static PartnerClient withCertificate(Path certificate, Path key, Path caFile, String baseUrl) throws Exception {
        return new PartnerClient(tls(certificate, key, caFile), baseUrl);
    }

    /** Presents no client certificate at all. */
    public static PartnerClient anonymous(Path caFile, String baseUrl) throws Exception {
        return new PartnerClient(tls(null, null, caFile), baseUrl);
    }

    /** TLS trusting only the CA in {@code caFile}, presenting the certificate and key when given (null: none). */
    public static SSLContext tls(Path certificate, Path key, Path caFile) throws Exception {
        KeyManagerFactory keys = null;
        if (certificate != null) {
            KeyMaterial identity = KeyMaterial.load(certificate, key);
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity.toKeyStore("partner", "test".toCharArray()), "test".toCharArray());
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys == null ? null : keys.getKeyManagers(), trust(caFile), null);
        return tls;
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body, java.util.Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String path, String contentType, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> processMessage(byte[] body) throws Exception {
        return post("/fhir/$process-message", "application/fhir+json", body);
    }

    public HttpResponse<String> get(String pathOrUrl) throws Exception {
        URI uri = pathOrUrl.startsWith("https://") ? URI.create(pathOrUrl) : URI.create(baseUrl + pathOrUrl);
        return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, java.util.Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static javax.net.ssl.TrustManager[] trust(Path caFile) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (var cert : Pem.readCertificates(caFile)) {
            store.setCertificateEntry("ca-" + i++, cert);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        return trust.getTrustManagers();
    }
}
