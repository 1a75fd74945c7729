package org.carebridge.security.agreement;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.config.SchemaCheck;
import org.carebridge.security.config.YamlDocument;
import org.carebridge.security.minimisation.FieldProfiles;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads one YAML file per agreement from a folder: first against the published JSON Schema, then the checks a schema
 * cannot make (known events and partners, FHIRPath that compiles, profiles that exist, validity). Every problem is
 * reported as file and line; a single bad file stops the whole set, so a set never half-applies.
 */
public final class AgreementLoader {

    private final Set<String> knownEvents;
    private final Set<String> knownPartners;
    private final FieldProfiles profiles;
    private final SchemaCheck schema;
    private final FHIRPathEngine fhirPath;

    public AgreementLoader(Set<String> knownEvents, Set<String> knownPartners, FieldProfiles profiles, SchemaCheck schema, FhirContext fhir) {
        this.knownEvents = Set.copyOf(knownEvents);
        this.knownPartners = Set.copyOf(knownPartners);
        this.profiles = profiles;
        this.schema = schema;
        this.fhirPath = RuleCondition.engine(fhir);
    }

    /** An agreement's YAML that lives outside the folder (an approved draft), under the name its problems are reported by. */
    public record Text(String name, String yaml) {
    }

    public AgreementSet load(Path folder) {
        return load(folder, List.of());
    }

    /** The folder's files and the given texts, checked as one set. */
    public AgreementSet load(Path folder, List<Text> texts) {
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigurationException(folder.toString(), "cannot list agreements: " + e.getMessage(), e);
        }
        List<Agreement> agreements = new ArrayList<>();
        Map<String, Agreement> byVersion = new HashMap<>();
        List<YamlDocument> documents = new ArrayList<>();
        files.forEach(file -> documents.add(YamlDocument.read(file)));
        texts.forEach(text -> documents.add(YamlDocument.parse(Path.of(text.name()), text.yaml())));
        for (YamlDocument document : documents) {
            Path file = document.file();
            Agreement agreement = read(document);
            Agreement same = byVersion.putIfAbsent(agreement.id() + "@" + agreement.version(), agreement);
            if (same != null && overlap(same, agreement)) {
                throw new ConfigurationException(file.toString(), List.of("agreement '" + agreement.id() + "' version "
                        + agreement.version() + " is also defined in " + same.source() + " with overlapping validity ("
                        + same.validity() + "); give the new text a new version"));
            }
            agreements.add(agreement);
        }
        return new AgreementSet(agreements);
    }

    public Agreement read(Path file) {
        return read(YamlDocument.read(file));
    }

    /** One agreement's YAML, checked on its own; problems are reported under {@code name}. */
    public Agreement read(String name, String yaml) {
        return read(YamlDocument.parse(Path.of(name), yaml));
    }

    private Agreement read(YamlDocument document) {
        Path file = document.file();
        List<String> problems = new ArrayList<>(schema.problems(document));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        JsonNode root = document.root();
        LocalDate reviewDate = date(document, "/reviewDate", problems);
        Period retention = null;
        try {
            retention = Period.parse(root.path("retention").asText());
            if (retention.isZero() || retention.isNegative()) {
                problems.add(document.at("/retention", "retention must be a positive period such as P7Y"));
            }
        } catch (DateTimeParseException e) {
            problems.add(document.at("/retention", "retention '" + root.path("retention").asText() + "' is not an ISO 8601 period such as P7Y"));
        }
        LocalDate from = date(document, "/validity/from", problems);
        LocalDate until = date(document, "/validity/until", problems);
        if (from != null && until != null && until.isBefore(from)) {
            problems.add(document.at("/validity/until", "validity.until is before validity.from"));
        }
        List<PartySelector> parties = new ArrayList<>();
        for (int i = 0; i < root.path("parties").size(); i++) {
            parties.add(party(document, "/parties/" + i, problems));
        }
        String purposeCode = text(root, "purposeCode");
        List<SharingRule> rules = new ArrayList<>();
        Set<String> ruleIds = new HashSet<>();
        for (int i = 0; i < root.path("rules").size(); i++) {
            String at = "/rules/" + i;
            JsonNode node = root.path("rules").get(i);
            String id = node.path("id").asText();
            if (!ruleIds.add(id)) {
                problems.add(document.at(at + "/id", "rule '" + id + "' is defined twice"));
            }
            String event = node.path("event").asText();
            if (!knownEvents.contains(event)) {
                problems.add(document.at(at + "/event", "rule '" + id + "': event '" + event + "' is not in the event code system"));
            }
            String profile = node.path("profile").asText();
            if (profiles.get(profile).isEmpty()) {
                problems.add(document.at(at + "/profile", "rule '" + id + "': profile '" + profile + "' is not defined in profiles.yaml"));
            }
            String condition = text(node, "condition");
            RuleCondition compiled = null;
            if (condition != null) {
                try {
                    compiled = RuleCondition.parse(fhirPath, condition);
                } catch (Exception e) {
                    problems.add(document.at(at + "/condition", "rule '" + id + "': condition is not valid FHIRPath: " + e.getMessage()));
                }
                Set<String> unknown = ConditionConstants.unknownIn(condition);
                if (!unknown.isEmpty()) {
                    problems.add(document.at(at + "/condition", "rule '" + id + "': condition uses " + String.join(", ", unknown)
                            + "; the variables a condition may use are %senderArea, %responsibleArea, %receivingArea and %recipient"));
                }
            }
            rules.add(new SharingRule(id, event, party(document, at + "/sender", problems), party(document, at + "/recipient", problems),
                    condition, compiled, text(node, "conditionText"), profile,
                    ConsentRequirement.fromCode(node.path("consent").asText()).orElseThrow(),
                    text(node, "purpose") != null ? text(node, "purpose") : purposeCode));
        }
        List<Signatory> signatories = new ArrayList<>();
        for (int i = 0; i < root.path("signatories").size(); i++) {
            JsonNode s = root.path("signatories").get(i);
            signatories.add(new Signatory(s.path("name").asText(), s.path("role").asText(), s.path("organisation").asText(),
                    date(document, "/signatories/" + i + "/signed", problems)));
        }
        Set<String> plainDelivery = new HashSet<>();
        for (int i = 0; i < root.path("plainDelivery").size(); i++) {
            String partner = root.path("plainDelivery").get(i).asText();
            if (!knownPartners.contains(partner)) {
                problems.add(document.at("/plainDelivery/" + i, "plainDelivery partner '" + partner + "' is not in the partner registry"));
            }
            plainDelivery.add(partner);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        JsonNode basis = root.path("lawfulBasis");
        return new Agreement(root.path("id").asText(), root.path("version").asInt(), root.path("title").asText(),
                root.path("purpose").asText(), List.copyOf(parties),
                new LawfulBasis(text(basis, "article6"), text(basis, "article9"), text(basis, "dpa2018")),
                from, until, reviewDate, retention,
                List.copyOf(signatories), List.copyOf(rules), file.toString(), plainDelivery);
    }

    private PartySelector party(YamlDocument document, String pointer, List<String> problems) {
        JsonNode node = document.root().at(pointer);
        String partner = text(node, "partner");
        if (Partner.GATEWAY_ID.equals(partner)) {
            if (!pointer.endsWith("/sender")) {
                problems.add(document.at(pointer + "/partner", "the gateway itself may only be a sender"));
            }
        } else if (partner != null && !knownPartners.contains(partner)) {
            problems.add(document.at(pointer + "/partner", "partner '" + partner + "' is not in the partner registry"));
        }
        AgencyKind kind = text(node, "kind") == null ? null : AgencyKind.fromCode(text(node, "kind")).orElse(null);
        AreaRole area = text(node, "area") == null ? AreaRole.ANY : AreaRole.fromCode(text(node, "area")).orElse(AreaRole.ANY);
        return new PartySelector(partner, kind, area);
    }

    private static LocalDate date(YamlDocument document, String pointer, List<String> problems) {
        JsonNode node = document.root().at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        try {
            return LocalDate.parse(node.asText());
        } catch (DateTimeParseException e) {
            problems.add(document.at(pointer, "'" + node.asText() + "' is not a date (YYYY-MM-DD)"));
            return null;
        }
    }

    private static boolean overlap(Agreement a, Agreement b) {
        LocalDate aFrom = a.validFrom() == null ? LocalDate.MIN : a.validFrom();
        LocalDate bFrom = b.validFrom() == null ? LocalDate.MIN : b.validFrom();
        LocalDate aUntil = a.validUntil() == null ? LocalDate.MAX : a.validUntil();
        LocalDate bUntil = b.validUntil() == null ? LocalDate.MAX : b.validUntil();
        return !aUntil.isBefore(bFrom) && !bUntil.isBefore(aFrom);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }
}
