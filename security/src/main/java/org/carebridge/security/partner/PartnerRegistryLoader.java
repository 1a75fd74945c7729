package org.carebridge.security.partner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.config.Placeholders;

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

    private final UnaryOperator<String> placeholders;

    /** @param placeholders resolves {@code ${...}} in values (for example from the Spring environment) */
    public PartnerRegistryLoader(UnaryOperator<String> placeholders) {
        this.placeholders = placeholders;
    }

    public List<Partner> read(Path file) {
        String source = file.toString();
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
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
            if (cert == null) {
                own.add("certificate is missing (path of the partner's PEM client certificate)");
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
            own.forEach(p -> problems.add(label + ": " + p));
            if (own.isEmpty()) {
                partners.add(new Partner(id, name, kind, area, endpoint, certificate, roles, sealing));
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
        if (encryption == null && !plainOnly) {
            problems.add("encryption-certificate is missing: copies are sealed to it (or set endpoint.delivery: plain-mtls "
                    + "for a partner that cannot decrypt yet)");
        }
        JsonNode intake = node.path("intake");
        return new Partner.Sealing(encryption == null ? null : Path.of(encryption), plainOnly,
                intake.path("require-signature").asBoolean(false));
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
        if (!"fhir-json".equals(format)) {
            problems.add("endpoint.format '" + format + "' is not supported (fhir-json)");
        }
        String url = resolved(text(node, "url"), problems);
        URI uri = null;
        try {
            uri = url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            problems.add("endpoint.url is not a URL");
        }
        if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            problems.add("endpoint.url must be an https:// URL");
            return null;
        }
        return new PartnerEndpoint(uri, transport, format);
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
