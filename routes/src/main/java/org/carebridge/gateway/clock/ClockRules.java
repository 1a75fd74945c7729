package org.carebridge.gateway.clock;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.config.SchemaCheck;
import org.carebridge.security.config.YamlDocument;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The clock rules of config/clocks.yaml and the working-day calendar they use. Checked at start against the schema and
 * then for what a schema cannot see (known events and partners, FHIRPath that compiles); any problem stops the gateway with file and line.
 */
public final class ClockRules {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClockRules.class);

    /** The {@code start} value that means the arrival time at the gateway. */
    public static final String RECEIVED = "received";
    /** Alerts about clocks never have a clock themselves, so a late alert cannot raise another. */
    public static final String BREACH_ALERT_EVENT = "clock-breach-alert";

    private final List<ClockRule> rules;
    private final WorkingDays workingDays;
    private final ThreadLocal<IFhirPath> fhirPath;

    ClockRules(List<ClockRule> rules, WorkingDays workingDays, FhirContext fhir) {
        this.rules = List.copyOf(rules);
        this.workingDays = workingDays;
        this.fhirPath = ThreadLocal.withInitial(fhir::newFhirPath);
    }

    public static ClockRules load(Path file, SchemaCheck schema, Set<String> events, Set<String> partners, FhirContext fhir) {
        YamlDocument document = YamlDocument.read(file);
        List<String> problems = new ArrayList<>(schema.problems(document));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        JsonNode root = document.root();
        Path calendarFile = file.getParent().resolve(root.path("calendar").asText()).normalize();
        WorkingDays calendar = BankHolidayFile.read(calendarFile);
        IFhirPath parser = fhir.newFhirPath();
        List<ClockRule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < root.path("rules").size(); i++) {
            String at = "/rules/" + i;
            JsonNode node = root.path("rules").get(i);
            String id = node.path("id").asText();
            if (!ids.add(id)) {
                problems.add(document.at(at + "/id", "rule '" + id + "' is defined twice"));
            }
            String event = node.path("event").asText();
            if (!events.contains(event)) {
                problems.add(document.at(at + "/event", "rule '" + id + "': event '" + event + "' is not in the event code system"));
            } else if (BREACH_ALERT_EVENT.equals(event)) {
                problems.add(document.at(at + "/event", "rule '" + id + "': a " + BREACH_ALERT_EVENT + " cannot have a clock"));
            }
            IFhirPath.IParsedExpression when = compile(parser, text(node, "when"), document, at + "/when", id, problems);
            String start = node.path("start").asText();
            IFhirPath.IParsedExpression compiledStart = RECEIVED.equals(start) ? null
                    : compile(parser, start, document, at + "/start", id, problems);
            Duration within = duration(node.path("deadline").path("within"), document, at + "/deadline/within", id, problems);
            int days = node.path("deadline").path("workingDays").asInt(0);
            Duration warnBefore = duration(node.path("warnBefore"), document, at + "/warnBefore", id, problems);
            String notify = text(node, "notify");
            if (notify != null && !partners.contains(notify)) {
                problems.add(document.at(at + "/notify", "rule '" + id + "': partner '" + notify + "' is not in the partner registry"));
            }
            rules.add(new ClockRule(id, event, node.path("description").asText(), text(node, "when"), when,
                    RECEIVED.equals(start) ? null : start, compiledStart, within, days, warnBefore, notify));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(file.toString(), problems);
        }
        return new ClockRules(rules, calendar, fhir);
    }

    public List<ClockRule> rules() {
        return rules;
    }

    public WorkingDays workingDays() {
        return workingDays;
    }

    /**
     * The clock for this message: the first rule for its event that applies, or empty when no rule does. Fails safe: when
     * a rule's {@code when} cannot be evaluated, the strictest clock of that rule and the event's later rules (any of
     * which could apply) starts, marked {@link ClockPlan#FAIL_SAFE}, and an operator warning is logged.
     */
    public Optional<ClockPlan> plan(String event, Bundle bundle, Instant receivedAt) {
        for (int i = 0; i < rules.size(); i++) {
            ClockRule rule = rules.get(i);
            if (!rule.event().equals(event)) {
                continue;
            }
            Boolean applies = rule.compiledWhen() == null ? Boolean.TRUE : holds(rule.compiledWhen(), bundle);
            if (applies == null) {
                ClockPlan strictest = rules.subList(i, rules.size()).stream().filter(r -> r.event().equals(event))
                        .map(r -> plan(r, bundle, receivedAt)).min(Comparator.comparing(ClockPlan::deadline)).orElseThrow();
                log.warn("Clock rule '{}' for {}: its condition could not be evaluated; started the strictest clock that could"
                        + " apply instead (rule '{}', deadline {}). Correct the rule's condition.",
                        rule.id(), event, strictest.ruleId(), strictest.deadline());
                return Optional.of(new ClockPlan(strictest.ruleId(), strictest.event(), ClockPlan.FAIL_SAFE,
                        strictest.startedAt(), strictest.deadline(), strictest.warnAt(), strictest.dutyPartner()));
            }
            if (applies) {
                return Optional.of(plan(rule, bundle, receivedAt));
            }
        }
        return Optional.empty();
    }

    ClockPlan plan(ClockRule rule, Bundle bundle, Instant receivedAt) {
        Instant fromMessage = rule.compiledStart() == null ? null : startTime(rule.compiledStart(), bundle);
        Instant start = fromMessage == null ? receivedAt : fromMessage;
        Instant deadline = rule.within() != null ? start.plus(rule.within()) : workingDays.endOfWorkingDaysAfter(start, rule.workingDays());
        // May fall before the start ("before the placement starts"), or before arrival: then the first scan warns.
        Instant warnAt = deadline.minus(rule.warnBefore());
        return new ClockPlan(rule.id(), rule.event(), fromMessage == null ? ClockPlan.FROM_ARRIVAL : ClockPlan.FROM_MESSAGE,
                start, deadline, warnAt, rule.dutyPartner());
    }

    /** Null when the condition cannot be evaluated on this message. */
    private Boolean holds(IFhirPath.IParsedExpression condition, Bundle bundle) {
        try {
            List<BooleanType> result = fhirPath.get().evaluate(bundle, condition, BooleanType.class);
            return !result.isEmpty() && result.get(0).booleanValue();
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The first date or dateTime the expression finds. A date alone means the start of that day in London; a dateTime
     * without an offset is read as London time. Anything else (absent, a year or month only, not a date) gives null,
     * and the clock starts at arrival instead.
     */
    private Instant startTime(IFhirPath.IParsedExpression expression, Bundle bundle) {
        List<IBase> found;
        try {
            found = fhirPath.get().evaluate(bundle, expression, IBase.class);
        } catch (Exception e) {
            return null;
        }
        if (found.isEmpty() || !(found.get(0) instanceof IPrimitiveType<?> primitive) || primitive.getValueAsString() == null) {
            return null;
        }
        return instant(primitive.getValueAsString());
    }

    static Instant instant(String text) {
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(WorkingDays.ENGLAND).toInstant();
            }
            if (text.length() < 10) {
                return null;
            }
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                return LocalDateTime.parse(text).atZone(WorkingDays.ENGLAND).toInstant();
            }
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static IFhirPath.IParsedExpression compile(IFhirPath parser, String expression, YamlDocument document, String pointer,
                                                      String id, List<String> problems) {
        if (expression == null) {
            return null;
        }
        try {
            return parser.parse(expression);
        } catch (Exception e) {
            problems.add(document.at(pointer, "rule '" + id + "': not valid FHIRPath: " + e.getMessage()));
            return null;
        }
    }

    private static Duration duration(JsonNode node, YamlDocument document, String pointer, String id, List<String> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        try {
            Duration duration = Duration.parse(node.asText());
            if (duration.isNegative()) {
                problems.add(document.at(pointer, "rule '" + id + "': a duration must not be negative"));
            }
            return duration;
        } catch (DateTimeParseException e) {
            problems.add(document.at(pointer, "rule '" + id + "': '" + node.asText() + "' is not an ISO 8601 duration such as PT60M"));
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }
}
