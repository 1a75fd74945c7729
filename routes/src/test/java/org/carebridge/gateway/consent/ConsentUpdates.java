package org.carebridge.gateway.consent;

import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
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
        KeyMaterial identity = KeyMaterial.load(certificate, key);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity.toKeyStore("partner", "test".toCharArray()), "test".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), trust(caFile), null);
        return new ConsentUpdates(tls, baseUrl);
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
