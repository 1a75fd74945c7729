package org.carebridge.connectors.notice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimised copy as a plain-language HTML notice, for an agency with no system integration: what happened, when,
 * what to do, the deadline, and the agreement it was shared under. Only named fields of the copy are shown (the
 * child's name, date of birth and identifiers where the copy has them, the event date, the sender, the placement's
 * home): narrative text, notes and anything else in the copy are never rendered, so the notice holds no more than the
 * minimised copy does, and usually less.
 */
public final class ReadableNotice {

    public static final String CONTENT_TYPE = "text/html; charset=UTF-8";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm", Locale.UK);

    /**
     * What the notice says beyond the copy.
     *
     * @param deadline     when the recipient's part is due, or null where no clock applies
     * @param deadlineRule the rule that set the deadline, in words, or null
     */
    public record Context(String agreementId, int agreementVersion, Instant deadline, String deadlineRule) {
    }

    /** One event's words: its title, what happened, and what the recipient should do. */
    record Wording(String title, String happened, String toDo) {
    }

    static final Map<String, Wording> WORDING = Map.ofEntries(
            Map.entry("placement-notification", new Wording("Placement notification",
                    "A child looked after by another local authority has been placed in your area.",
                    "Check your records for this child, tell the teams who need to know (school, health, police liaison), "
                            + "and contact the placing authority if anything is missing.")),
            Map.entry("missing-episode", new Wording("Missing episode",
                    "A child in care has been reported missing or away from placement without authorisation.",
                    "Follow your missing-children procedure, and arrange a return home interview once the child is found.")),
            Map.entry("custody-notification", new Wording("Custody notification",
                    "A child in care has been detained in police custody.",
                    "Arrange an appropriate adult and make contact with the custody suite now.")),
            Map.entry("education-update", new Wording("Education update",
                    "There is a change to a child in care's education (school, attendance or exclusion).",
                    "Update the child's personal education plan and contact the school if support is needed.")),
            Map.entry("mash-referral", new Wording("Safeguarding referral",
                    "A safeguarding concern about a child has been referred to the multi-agency safeguarding hub.",
                    "Triage the referral under your local threshold guidance.")),
            Map.entry("return-home-interview", new Wording("Return home interview",
                    "A return home interview has been recorded for a child who was missing.",
                    "Read the outcome and update the child's plan if it raises new risks.")),
            Map.entry("care-leaver-police-contact", new Wording("Care leaver police contact",
                    "A care leaver has had contact with the police.",
                    "Let the young person's personal adviser know promptly.")),
            Map.entry("out-of-area-justice-contact", new Wording("Out-of-area justice contact",
                    "A child in care placed out of area has had contact with the justice system.",
                    "Contact the youth justice service in the child's placing area.")),
            Map.entry("clock-breach-alert", new Wording("Deadline missed",
                    "A notification about a child was not completed within its deadline.",
                    "Find out why with the teams involved and record what was done.")));

    private static final Wording OTHER = new Wording("Notification",
            "Information about a child has been shared with you.", "Read it and act under your usual procedures.");

    private static final Map<String, String> IDENTIFIERS = new LinkedHashMap<>();

    static {
        IDENTIFIERS.put("https://fhir.nhs.uk/Id/nhs-number", "NHS number");
        IDENTIFIERS.put("https://carebridge.example.org/fhir/NamingSystem/upn", "Unique pupil number");
        IDENTIFIERS.put("https://carebridge.example.org/fhir/NamingSystem/la-child-id/", "Local authority child id");
    }

    private ReadableNotice() {
    }

    /** The notice for one minimised copy (a FHIR message Bundle as JSON). */
    public static String render(byte[] minimisedCopy, Context context) {
        JsonNode bundle;
        try {
            bundle = JSON.readTree(minimisedCopy);
        } catch (IOException e) {
            throw new IllegalArgumentException("the copy is not a FHIR JSON Bundle", e);
        }
        String event = text(first(bundle, "MessageHeader").path("eventCoding").path("code"));
        Wording wording = WORDING.getOrDefault(event, OTHER);
        String sender = text(first(bundle, "MessageHeader").path("source").path("name"));

        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(wording.title())).append("</title>\n")
                .append("<style>body{font-family:Arial,sans-serif;max-width:40em;margin:2em auto;line-height:1.5;color:#0b0c0c}"
                        + "h1{font-size:2em}dt{font-weight:bold}dd{margin:0 0 .5em 0}.deadline{border-left:5px solid #d4351c;padding-left:1em}</style>\n")
                .append("</head>\n<body>\n<h1>").append(escape(wording.title())).append("</h1>\n");

        html.append("<h2>What happened</h2>\n<p>").append(escape(wording.happened())).append("</p>\n");
        if (sender != null) {
            html.append("<p>Sent by ").append(escape(sender)).append(".</p>\n");
        }
        List<String[]> facts = facts(bundle);
        if (!facts.isEmpty()) {
            html.append("<dl>\n");
            for (String[] fact : facts) {
                html.append("<dt>").append(escape(fact[0])).append("</dt><dd>").append(escape(fact[1])).append("</dd>\n");
            }
            html.append("</dl>\n");
        }

        html.append("<h2>When</h2>\n<p>");
        String when = eventDate(bundle);
        html.append(when == null ? "The copy does not say when it happened." : escape("It happened on " + when + "."));
        String sent = moment(text(bundle.path("timestamp")));
        if (sent != null) {
            html.append(" The message was sent on ").append(escape(sent)).append('.');
        }
        html.append("</p>\n");

        html.append("<h2>What to do</h2>\n<p>").append(escape(wording.toDo())).append("</p>\n");

        html.append("<h2>Deadline</h2>\n<p class=\"deadline\">");
        if (context.deadline() == null) {
            html.append("No deadline applies to this notice.");
        } else {
            html.append(escape("By " + MOMENT.format(context.deadline().atZone(LONDON)) + " (UK time)."));
            if (context.deadlineRule() != null) {
                html.append(' ').append(escape(context.deadlineRule()));
            }
        }
        html.append("</p>\n");

        html.append("<h2>Why you have this</h2>\n<p>").append(escape("It was shared with you under the information-sharing agreement '"
                + context.agreementId() + "', version " + context.agreementVersion() + "."))
                .append(" Keep it secure and use it only for the purpose of that agreement.</p>\n");
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static List<String[]> facts(JsonNode bundle) {
        List<String[]> facts = new ArrayList<>();
        JsonNode patient = first(bundle, "Patient");
        if (!patient.isMissingNode()) {
            String name = name(patient.path("name"));
            if (name != null) {
                facts.add(new String[] {"Child", name});
            }
            String born = day(text(patient.path("birthDate")));
            if (born != null) {
                facts.add(new String[] {"Date of birth", born});
            }
            for (JsonNode identifier : patient.path("identifier")) {
                String system = text(identifier.path("system"));
                String value = text(identifier.path("value"));
                IDENTIFIERS.forEach((prefix, label) -> {
                    if (system != null && value != null && (system.equals(prefix) || prefix.endsWith("/") && system.startsWith(prefix))) {
                        facts.add(new String[] {label, value});
                    }
                });
            }
        }
        JsonNode location = first(bundle, "Location");
        String home = text(location.path("name"));
        if (home != null) {
            facts.add(new String[] {"Placed at", home});
        }
        for (JsonNode identifier : location.path("identifier")) {
            if ("https://carebridge.example.org/fhir/NamingSystem/childrens-home".equals(text(identifier.path("system")))
                    && text(identifier.path("value")) != null) {
                facts.add(new String[] {"Ofsted URN of the home", text(identifier.path("value"))});
            }
        }
        return facts;
    }

    private static String eventDate(JsonNode bundle) {
        for (String type : List.of("EpisodeOfCare", "Encounter", "Flag")) {
            String start = moment(text(first(bundle, type).path("period").path("start")));
            if (start != null) {
                return start;
            }
        }
        return null;
    }

    private static String name(JsonNode names) {
        for (JsonNode name : names) {
            List<String> parts = new ArrayList<>();
            name.path("given").forEach(g -> parts.add(g.asText()));
            if (text(name.path("family")) != null) {
                parts.add(text(name.path("family")));
            }
            if (!parts.isEmpty()) {
                return String.join(" ", parts);
            }
        }
        return null;
    }

    private static JsonNode first(JsonNode bundle, String resourceType) {
        for (JsonNode entry : bundle.path("entry")) {
            if (resourceType.equals(entry.path("resource").path("resourceType").asText())) {
                return entry.path("resource");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String moment(String value) {
        if (value == null) {
            return null;
        }
        try {
            return MOMENT.format(OffsetDateTime.parse(value).atZoneSameInstant(LONDON));
        } catch (DateTimeParseException e) {
            return day(value);
        }
    }

    private static String day(String value) {
        if (value == null) {
            return null;
        }
        try {
            return DAY.format(LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() || node.asText().isBlank() ? null : node.asText();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
