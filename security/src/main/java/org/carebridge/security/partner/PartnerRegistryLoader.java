package org.carebridge.security.partner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.config.Placeholders;
import org.carebridge.security.crypto.Pem;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** Reads and validates {@code partners.yaml}. Every problem is collected, so one start shows them all. */
public final class PartnerRegistryLoader {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    private static final Pattern AREA = Pattern.compile("[EWSN]\\d{8}");
    private static final Pattern MAILBOX = Pattern.compile("[^@\\s<>\"]+@[A-Za-z0-9.-]+");
    private static final List<String> INBOUND_FORMATS = List.of("ssda903-csv", "ssda903-xml", "ctf-xml", "police-event-json");
    /** Which kind of partner sends each format, and over which transport. */
    private static final java.util.Map<String, AgencyKind> FORMAT_SENDERS = java.util.Map.of("ssda903-csv", AgencyKind.CHILDRENS_SERVICES,
            "ssda903-xml", AgencyKind.CHILDRENS_SERVICES, "ctf-xml", AgencyKind.VIRTUAL_SCHOOL, "police-event-json", AgencyKind.POLICE);
    private static final java.util.Map<String, String> FORMAT_WHAT = java.util.Map.of("ssda903-csv", "a children's services return",
            "ssda903-xml", "a children's services return", "ctf-xml", "a school's transfer file, sent by a virtual school",
            "police-event-json", "a police force's event");
    private static final java.util.Map<String, String> FORMAT_TRANSPORTS = java.util.Map.of("ssda903-csv", PartnerInbound.SFTP,
            "ssda903-xml", PartnerInbound.SFTP, "ctf-xml", PartnerInbound.HTTPS, "police-event-json", PartnerInbound.HTTPS);
    private static final List<String> INBOUND_FIELDS = List.of("enabled", "transport", "format", "url", "username", "password-file",
            "known-hosts", "ack-folder", "collection-year", "new-episodes-within", "new-episodes", "unknown-columns", "poll-delay");
    private static final List<String> SFTP_ONLY_FIELDS = List.of("url", "username", "password-file", "known-hosts", "ack-folder",
            "poll-delay");

    private final UnaryOperator<String> placeholders;

    /** @param placeholders resolves {@code ${...}} in values (for example from the Spring environment) */
    public PartnerRegistryLoader(UnaryOperator<String> placeholders) {
        this.placeholders = placeholders;
    }

    public List<Partner> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigurationException(file.toString(), "cannot be read: " + e.getMessage(), e);
        }
        return read(file.toString(), text);
    }

    /**
     * Reads a {@code partners:} document from text (the file, an import, or the registry's stored documents). A
     * certificate may be given inline as PEM ({@code certificate-pem}, {@code encryption-certificate-pem}) instead of a
     * file path; the registry then holds it.
     */
    public List<Partner> read(String source, String text) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new ConfigurationException(source, "cannot be read as YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.path("partners").isArray() || root.path("partners").isEmpty()) {
            throw new ConfigurationException(source, List.of("expected a non-empty list under 'partners'"));
        }
        List<String> problems = new ArrayList<>();
        List<Partner> partners = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode node : root.path("partners")) {
            index++;
            String id = text(node, "id");
            String label = "partner " + (id == null ? "#" + index : "'" + id + "'");
            List<String> own = new ArrayList<>();
            if (id == null || !ID.matcher(id).matches()) {
                own.add("id must be lower-case letters, digits and '-' (2-63 characters)");
            } else if (Partner.GATEWAY_ID.equals(id)) {
                own.add("id is reserved for the gateway itself");
            } else if (!ids.add(id)) {
                own.add("id is used by another partner");
            }
            String name = text(node, "name");
            if (name == null) {
                own.add("name is missing");
            }
            String kindCode = text(node, "kind");
            AgencyKind kind = kindCode == null ? null : AgencyKind.fromCode(kindCode).orElse(null);
            if (kind == null) {
                own.add("kind '" + kindCode + "' is not one of " + AgencyKind.codes());
            }
            String area = text(node, "area");
            if (area == null || !AREA.matcher(area).matches()) {
                own.add("area '" + area + "' is not a local authority code (e.g. E10000020)");
            }
            PartnerEndpoint endpoint = endpoint(node.path("endpoint"), own);
            Path certificate = null;
            String cert = resolved(text(node, "certificate"), own);
            String certPem = text(node, "certificate-pem");
            if (certPem != null) {
                if (cert != null) {
                    own.add("give certificate (a file) or certificate-pem, not both");
                }
                pem(certPem, "certificate-pem", own);
            } else if (cert == null) {
                own.add("certificate is missing (path of the partner's PEM client certificate, or certificate-pem)");
            } else {
                certificate = Path.of(cert);
            }
            Set<String> roles = new HashSet<>();
            for (JsonNode role : node.path("roles")) {
                if (!Partner.KNOWN_ROLES.contains(role.asText())) {
                    own.add("role '" + role.asText() + "' is not one of " + Partner.KNOWN_ROLES);
                }
                roles.add(role.asText());
            }
            Partner.Sealing sealing = sealing(node, own);
            if (endpoint != null && endpoint.transport() == Transport.SMTP && sealing.plainOnly()) {
                own.add("endpoint.transport smtp encrypts every message to encryption-certificate; endpoint.delivery "
                        + "plain-mtls cannot be used with it");
            }
            PartnerInbound inbound = inbound(node.path("inbound"), kind, sealing, own);
            String order = text(node, "delivery-order");
            CopyOrder copyOrder = order == null ? CopyOrder.ANY : CopyOrder.fromCode(order).orElse(null);
            if (copyOrder == null) {
                own.add("delivery-order '" + order + "' is not one of " + CopyOrder.codes());
            }
            own.forEach(p -> problems.add(label + ": " + p));
            if (own.isEmpty()) {
                partners.add(new Partner(id, name, kind, area, endpoint, certificate, roles, sealing, inbound, copyOrder));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(source, problems);
        }
        return List.copyOf(partners);
    }

    private Partner.Sealing sealing(JsonNode node, List<String> problems) {
        String encryption = resolved(text(node, "encryption-certificate"), problems);
        String delivery = text(node.path("endpoint"), "delivery");
        if (delivery != null && !delivery.equals("sealed") && !delivery.equals("plain-mtls")) {
            problems.add("endpoint.delivery '" + delivery + "' is not one of [sealed, plain-mtls]");
        }
        boolean plainOnly = "plain-mtls".equals(delivery);
        String encryptionPem = text(node, "encryption-certificate-pem");
        if (encryptionPem != null) {
            if (encryption != null) {
                problems.add("give encryption-certificate (a file) or encryption-certificate-pem, not both");
            }
            pem(encryptionPem, "encryption-certificate-pem", problems);
        } else if (encryption == null && !plainOnly) {
            problems.add("encryption-certificate is missing: copies are sealed to it (or set endpoint.delivery: plain-mtls "
                    + "for a partner that cannot decrypt yet)");
        }
        JsonNode intake = node.path("intake");
        return new Partner.Sealing(encryption == null ? null : Path.of(encryption), plainOnly,
                intake.path("require-signature").asBoolean(false));
    }

    /** {@code inbound:} a partner's own format fetched over its transport; absent for partners that post FHIR. */
    private PartnerInbound inbound(JsonNode node, AgencyKind kind, Partner.Sealing sealing, List<String> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("inbound must be a mapping (transport, format, url, ...)");
            return null;
        }
        String enabled = resolved(text(node, "enabled"), problems);
        if (enabled != null && !enabled.equals("true") && !enabled.equals("false")) {
            problems.add("inbound.enabled must be true or false");
        }
        if ("false".equals(enabled)) {
            return null;
        }
        int before = problems.size();
        for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!INBOUND_FIELDS.contains(field)) {
                problems.add("inbound." + field + " is not a setting (" + INBOUND_FIELDS + ")");
            }
        }
        String transport = text(node, "transport");
        if (!PartnerInbound.SFTP.equals(transport) && !PartnerInbound.HTTPS.equals(transport)) {
            problems.add("inbound.transport '" + transport + "' is not one of [sftp, https]");
        }
        String format = text(node, "format");
        if (!INBOUND_FORMATS.contains(format)) {
            problems.add("inbound.format '" + format + "' is not one of " + INBOUND_FORMATS);
        } else if (kind != null && kind != FORMAT_SENDERS.get(format)) {
            problems.add("inbound.format " + format + " is " + FORMAT_WHAT.get(format) + "; this partner is " + kind.code());
        } else if ((PartnerInbound.SFTP.equals(transport) || PartnerInbound.HTTPS.equals(transport))
                && !FORMAT_TRANSPORTS.get(format).equals(transport)) {
            problems.add("inbound.format " + format + " comes over " + FORMAT_TRANSPORTS.get(format) + ", not " + transport);
        }
        if (sealing.requireSignature()) {
            problems.add("inbound: rows mapped from a file carry no CMS signature, so intake.require-signature cannot be true");
        }
        String newEpisodes = text(node, "new-episodes") == null ? PartnerInbound.WINDOW : text(node, "new-episodes");
        if (!newEpisodes.equals(PartnerInbound.WINDOW) && !newEpisodes.equals(PartnerInbound.SINCE_LAST_FILE)) {
            problems.add("inbound.new-episodes '" + newEpisodes + "' is not one of [window, since-last-file]");
        } else if (newEpisodes.equals(PartnerInbound.SINCE_LAST_FILE) && (format == null || !format.startsWith("ssda903"))) {
            problems.add("inbound.new-episodes since-last-file is for SSDA903 returns only");
        }
        java.time.Period within = java.time.Period.ofDays(30);
        try {
            if (text(node, "new-episodes-within") != null) {
                within = java.time.Period.parse(text(node, "new-episodes-within"));
            }
            if (within.isNegative()) {
                problems.add("inbound.new-episodes-within must not be negative");
            }
        } catch (java.time.format.DateTimeParseException e) {
            problems.add("inbound.new-episodes-within is not an ISO 8601 period (e.g. P30D)");
        }
        if (PartnerInbound.HTTPS.equals(transport)) {
            // posted to the partner port by the partner itself: nothing to fetch, so no server, login or folders
            SFTP_ONLY_FIELDS.stream().filter(node::has)
                    .forEach(field -> problems.add("inbound." + field + " is an SFTP setting; an https inbound is posted to the partner port"));
            if (problems.size() > before) {
                return null;
            }
            return new PartnerInbound(transport, format, null, null, null, null, null, null, within, "warn", null, newEpisodes);
        }
        String url = resolved(text(node, "url"), problems);
        URI uri = null;
        try {
            uri = url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            problems.add("inbound.url is not a URL");
        }
        if (uri == null || !"sftp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPath() == null
                || uri.getPath().length() < 2 || uri.getPath().contains("..")) {
            problems.add("inbound.url must be sftp://host[:port]/outbox-folder (no '..')");
        }
        String username = resolved(text(node, "username"), problems);
        if (username == null) {
            problems.add("inbound.username is missing");
        }
        String passwordFile = resolved(text(node, "password-file"), problems);
        if (passwordFile == null) {
            problems.add("inbound.password-file is missing (a file holding the SFTP password; never the password itself)");
        }
        String knownHosts = resolved(text(node, "known-hosts"), problems);
        if (knownHosts == null) {
            problems.add("inbound.known-hosts is missing (the partner server's host key, OpenSSH known_hosts form)");
        }
        String ackFolder = text(node, "ack-folder") == null ? "ack" : text(node, "ack-folder");
        if (ackFolder.contains("..") || ackFolder.startsWith("/")) {
            problems.add("inbound.ack-folder must be a folder below the login folder (no '..')");
        }
        String year = text(node, "collection-year");
        if (format != null && format.startsWith("ssda903") && (year == null || !year.matches("\\d{4}-\\d{2}"))) {
            problems.add("inbound.collection-year '" + year + "' is not a collection year such as 2025-26");
        }
        java.time.Duration delay = java.time.Duration.ofSeconds(30);
        try {
            if (text(node, "poll-delay") != null) {
                delay = java.time.Duration.parse(text(node, "poll-delay"));
            }
            if (delay.isNegative() || delay.isZero()) {
                problems.add("inbound.poll-delay must be positive");
            }
        } catch (java.time.format.DateTimeParseException e) {
            problems.add("inbound.poll-delay is not an ISO 8601 duration (e.g. PT30S)");
        }
        String unknown = text(node, "unknown-columns") == null ? "warn" : text(node, "unknown-columns");
        if (!unknown.equals("warn") && !unknown.equals("refuse")) {
            problems.add("inbound.unknown-columns '" + unknown + "' is not one of [warn, refuse]");
        }
        if (problems.size() > before) {
            return null;
        }
        return new PartnerInbound(transport, format, uri, username, Path.of(passwordFile), Path.of(knownHosts), ackFolder, year,
                within, unknown, delay, newEpisodes);
    }

    private PartnerEndpoint endpoint(JsonNode node, List<String> problems) {
        if (node.isMissingNode() || !node.isObject()) {
            problems.add("endpoint is missing (url, transport, format)");
            return null;
        }
        String transportCode = text(node, "transport");
        Transport transport = transportCode == null ? null : Transport.fromCode(transportCode).orElse(null);
        if (transport == null) {
            problems.add("endpoint.transport '" + transportCode + "' is not one of " + Transport.codes());
        }
        String format = text(node, "format");
        boolean files = transport == Transport.SFTP || transport == Transport.SMTP;
        if (PartnerEndpoint.NOTICE_HTML.equals(format) && !files) {
            problems.add("endpoint.format notice-html is for the sftp and smtp transports; an HTTPS partner takes fhir-json");
        } else if (!PartnerEndpoint.FHIR_JSON.equals(format) && !PartnerEndpoint.NOTICE_HTML.equals(format)) {
            problems.add("endpoint.format '" + format + "' is not supported ([fhir-json, notice-html])");
        }
        String url = resolved(text(node, "url"), problems);
        if (transport == Transport.MAILBOX && url == null) {
            // the partner pulls from its mailbox on the gateway: there is nothing to post to
            return new PartnerEndpoint(null, transport, format);
        }
        URI uri = null;
        try {
            uri = url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            problems.add("endpoint.url is not a URL");
        }
        if (transport == null) {
            return null;
        }
        switch (transport) {
            case SFTP -> {
                if (uri == null || !"sftp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPath() == null
                        || uri.getPath().length() < 2 || uri.getPath().contains("..")) {
                    problems.add("endpoint.url must be sftp://host[:port]/inbox-folder (no '..')");
                    return null;
                }
                PartnerEndpoint.Login login = login(node, true, problems);
                return login == null ? null : new PartnerEndpoint(uri, transport, format, login, null);
            }
            case SMTP -> {
                if (uri == null || !("smtp".equals(uri.getScheme()) || "smtps".equals(uri.getScheme())) || uri.getHost() == null) {
                    problems.add("endpoint.url must be smtp://host[:port] or smtps://host[:port]");
                    return null;
                }
                String to = resolved(text(node, "mail-to"), problems);
                if (to == null || !MAILBOX.matcher(to).matches()) {
                    problems.add("endpoint.mail-to must be the partner's secure mailbox address");
                    return null;
                }
                PartnerEndpoint.Login login = text(node, "username") == null ? null : login(node, false, problems);
                return new PartnerEndpoint(uri, transport, format, login, to);
            }
            default -> {
                if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    problems.add("endpoint.url must be an https:// URL");
                    return null;
                }
                return new PartnerEndpoint(uri, transport, format);
            }
        }
    }

    private PartnerEndpoint.Login login(JsonNode node, boolean knownHostsNeeded, List<String> problems) {
        int before = problems.size();
        String username = resolved(text(node, "username"), problems);
        if (username == null) {
            problems.add("endpoint.username is missing");
        }
        String passwordFile = resolved(text(node, "password-file"), problems);
        if (passwordFile == null) {
            problems.add("endpoint.password-file is missing (a file holding the password; never the password itself)");
        }
        String knownHosts = resolved(text(node, "known-hosts"), problems);
        if (knownHostsNeeded && knownHosts == null) {
            problems.add("endpoint.known-hosts is missing (the partner server's host key, OpenSSH known_hosts form)");
        }
        if (problems.size() > before) {
            return null;
        }
        return new PartnerEndpoint.Login(username, Path.of(passwordFile), knownHosts == null ? null : Path.of(knownHosts));
    }

    private static void pem(String text, String field, List<String> problems) {
        try {
            Pem.readCertificates(text);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            problems.add(field + " is not a PEM certificate");
        }
    }

    private String resolved(String value, List<String> problems) {
        try {
            return Placeholders.resolve(value, placeholders);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }
}
