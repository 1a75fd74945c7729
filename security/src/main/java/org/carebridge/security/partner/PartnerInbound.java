package org.carebridge.security.partner;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;

/**
 * How a partner that cannot post FHIR messages sends its records in its own format: the gateway fetches SSDA903 files
 * from the partner's SFTP outbox, or the partner posts a CTF file or a police event to the partner port (https). Each
 * row is mapped to a canonical message and handed to the governed intake as from this partner. No secret is held here: the password is read from {@code passwordFile}.
 *
 * @param url               {@code sftp://host[:port]/outbox-folder}
 * @param knownHosts        the partner server's host key (OpenSSH known_hosts); the key is always checked
 * @param ackFolder         the folder on the partner's server the acknowledgement files are written to
 * @param collectionYear    the SSDA903 collection year whose code lists the files are checked against
 * @param newEpisodesWithin an episode or missing episode that started earlier than this before the file arrived is not new
 * @param unknownColumns    {@code warn} or {@code refuse}: what a column the format does not define does to the file
 * @param newEpisodes       {@value #WINDOW} (new = within {@code newEpisodesWithin}) or {@value #SINCE_LAST_FILE} (new = after
 *                          the latest DECOM of the partner's last file)
 */
public record PartnerInbound(String transport, String format, URI url, String username, Path passwordFile, Path knownHosts,
                             String ackFolder, String collectionYear, Period newEpisodesWithin, String unknownColumns,
                             Duration pollDelay, String newEpisodes) {

    /** The gateway fetches the partner's files from its SFTP server. */
    public static final String SFTP = "sftp";
    /** The partner posts its own format to the partner port, identified by its TLS client certificate. */
    public static final String HTTPS = "https";
    public static final String WINDOW = "window";
    public static final String SINCE_LAST_FILE = "since-last-file";

    public PartnerInbound(String transport, String format, URI url, String username, Path passwordFile, Path knownHosts,
                          String ackFolder, String collectionYear, Period newEpisodesWithin, String unknownColumns,
                          Duration pollDelay) {
        this(transport, format, url, username, passwordFile, knownHosts, ackFolder, collectionYear, newEpisodesWithin,
                unknownColumns, pollDelay, WINDOW);
    }

    public boolean posted() {
        return HTTPS.equals(transport);
    }

    public String host() {
        return url.getHost();
    }

    public int port() {
        return url.getPort() < 0 ? 22 : url.getPort();
    }

    /** The outbox folder, relative to the login folder. */
    public String folder() {
        String path = url.getPath() == null ? "" : url.getPath();
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
