package org.carebridge.security.agreement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.partner.AgencyKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Reads one YAML file per agreement from a folder. A single bad file stops the whole set from applying. */
public final class AgreementLoader {

    private final Set<String> knownEvents;

    public AgreementLoader(Set<String> knownEvents) {
        this.knownEvents = Set.copyOf(knownEvents);
    }

    public AgreementSet load(Path folder) {
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigurationException(folder.toString(), "cannot list agreements: " + e.getMessage(), e);
        }
        List<Agreement> agreements = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path file : files) {
            Agreement agreement = read(file);
            if (!seen.add(agreement.id() + "@" + agreement.version())) {
                throw new ConfigurationException(file.toString(),
                        List.of("agreement '" + agreement.id() + "' version " + agreement.version() + " is defined twice"));
            }
            agreements.add(agreement);
        }
        return new AgreementSet(agreements);
    }

    public Agreement read(Path file) {
        String source = file.toString();
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigurationException(source, "cannot be read as YAML: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(source, List.of("expected an agreement (a YAML mapping)"));
        }
        String id = text(root, "id");
        if (id == null) {
            problems.add("id is missing");
        }
        int version = root.path("version").isInt() ? root.path("version").asInt() : 0;
        if (version < 1) {
            problems.add("version must be a whole number from 1");
        }
        String title = text(root, "title");
        if (title == null) {
            problems.add("title is missing");
        }
        LocalDate from = date(root.path("validity"), "from", problems);
        LocalDate until = date(root.path("validity"), "until", problems);
        if (from != null && until != null && until.isBefore(from)) {
            problems.add("validity.until is before validity.from");
        }
        List<SharingRule> rules = new ArrayList<>();
        if (!root.path("rules").isArray() || root.path("rules").isEmpty()) {
            problems.add("rules: expected a non-empty list");
        } else {
            int index = 0;
            Set<String> ruleIds = new HashSet<>();
            for (JsonNode node : root.path("rules")) {
                index++;
                SharingRule rule = rule(node, index, problems);
                if (rule != null && !ruleIds.add(rule.id())) {
                    problems.add("rule '" + rule.id() + "' is defined twice");
                }
                if (rule != null) {
                    rules.add(rule);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(source, problems);
        }
        return new Agreement(id, version, title, text(root, "purpose"), text(root, "lawfulBasis"), from, until, List.copyOf(rules), source);
    }

    private SharingRule rule(JsonNode node, int index, List<String> problems) {
        String id = text(node, "id");
        String label = "rule " + (id == null ? "#" + index : "'" + id + "'") + ": ";
        int before = problems.size();
        if (id == null) {
            problems.add(label + "id is missing");
        }
        String event = text(node, "event");
        if (event == null || !knownEvents.contains(event)) {
            problems.add(label + "event '" + event + "' is not in the event code system");
        }
        AgencyKind sender = kind(node.path("sender"), label + "sender.kind", problems);
        AgencyKind recipient = kind(node.path("recipient"), label + "recipient.kind", problems);
        String areaCode = text(node.path("recipient"), "area");
        AreaRole area = areaCode == null ? AreaRole.ANY : AreaRole.fromCode(areaCode).orElse(null);
        if (area == null) {
            problems.add(label + "recipient.area '" + areaCode + "' is not one of " + AreaRole.codes());
        }
        return problems.size() == before ? new SharingRule(id, event, sender, recipient, area) : null;
    }

    private static AgencyKind kind(JsonNode node, String label, List<String> problems) {
        String code = text(node, "kind");
        AgencyKind kind = code == null ? null : AgencyKind.fromCode(code).orElse(null);
        if (kind == null) {
            problems.add(label + " '" + code + "' is not one of " + AgencyKind.codes());
        }
        return kind;
    }

    private static LocalDate date(JsonNode node, String field, List<String> problems) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            problems.add("validity." + field + " '" + value + "' is not a date (YYYY-MM-DD)");
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }
}
