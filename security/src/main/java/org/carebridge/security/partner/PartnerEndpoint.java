package org.carebridge.security.partner;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where and how a partner receives its copies.
 *
 * @param url       {@code https://...} (HTTPS, FHIR REST), {@code sftp://host[:port]/inbox-folder} (SFTP) or
 *                  {@code smtp://host[:port]} / {@code smtps://host[:port]} (secure email)
 * @param format    {@value #FHIR_JSON}, or {@value #NOTICE_HTML} (a plain-language notice, for SFTP and secure email)
 * @param login     the gateway's login at the partner's SFTP or mail server, or null (HTTPS uses mutual TLS instead)
 * @param mailTo    the partner's secure mailbox address (secure email only)
 */
public record PartnerEndpoint(URI url, Transport transport, String format, Login login, String mailTo) {

    public static final String FHIR_JSON = "fhir-json";
    public static final String NOTICE_HTML = "notice-html";

    /**
     * A login at a partner's server. No secret is held here: the password is read from {@code passwordFile}.
     *
     * @param knownHosts the SFTP server's host key (OpenSSH known_hosts), always checked; null for mail
     */
    public record Login(String username, Path passwordFile, Path knownHosts) {
    }

    public PartnerEndpoint(URI url, Transport transport, String format) {
        this(url, transport, format, null, null);
    }

    /** The URL a copy is posted to. */
    public URI deliveryUri() {
        if (transport == Transport.FHIR_REST) {
            String base = url.toString();
            return URI.create((base.endsWith("/") ? base : base + "/") + "$process-message");
        }
        return url;
    }

    public String host() {
        return url.getHost();
    }

    /** The port in the URL, or the transport's usual one. */
    public int port() {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return switch (url.getScheme()) {
            case "sftp" -> 22;
            case "smtp" -> 25;
            case "smtps" -> 465;
            default -> 443;
        };
    }

    /** The SFTP inbox folder, relative to the login folder. */
    public String folder() {
        String path = url.getPath() == null ? "" : url.getPath();
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
