package org.carebridge.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.admin.Actor;
import org.carebridge.gateway.admin.Refused;
import org.carebridge.gateway.intake.IntakeRequest;
import org.carebridge.gateway.intake.IntakeRoute;
import org.carebridge.gateway.record.StoredRecord;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dev-only: sends one of {@code config/examples} as its own sender (the partner its MessageHeader names), through the
 * same intake route as a partner's post, so the agreements decide who receives it, exactly as for a record over mutual
 * TLS. Each is stamped for now first, as {@code config/examples/Restamp.java} does: every dateTime moves by the same
 * amount so Bundle.timestamp is a minute ago, and Bundle.id is fresh. Only with the demo partners (embedded default).
 */
public class ExampleRecords {

    private static final Logger log = LoggerFactory.getLogger(ExampleRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DATE_TIME = Pattern.compile(
            "\"(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:\\d{2}))\"");
    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\"\\s*:\\s*" + DATE_TIME.pattern());
    private static final String PARTNER_URN = "urn:carebridge:partner:";

    /** An example message: its file, event and sender. */
    public record Example(String name, String event, String sender) {
    }

    /** One copy of a sent record and where it stands. */
    public record Copy(String recipient, String state, int attempts, String lastError) {
    }

    public record Sent(UUID trackingId, String event, String sender, List<String> recipients) {
    }

    private final Path folder;
    private final PartnerRegistry registry;
    private final ProducerTemplate intake;
    private final JdbcTemplate jdbc;

    public ExampleRecords(CarebridgeProperties properties, PartnerRegistry registry, ProducerTemplate intake, JdbcTemplate jdbc) {
        this.folder = properties.configDir().resolve("examples");
        this.registry = registry;
        this.intake = intake;
        this.jdbc = jdbc;
    }

    /** The example messages (FHIR message Bundles) in {@code config/examples}, by file name. */
    public List<Example> examples() {
        List<Example> examples = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return examples;
        }
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                JsonNode header = header(JSON.readTree(file.toFile()));
                String source = header.path("source").path("endpoint").asText();
                if (!header.isMissingNode() && source.startsWith(PARTNER_URN)) {
                    examples.add(new Example(file.getFileName().toString(), header.path("eventCoding").path("code").asText(),
                            source.substring(PARTNER_URN.length())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the examples in " + folder, e);
        }
        return examples;
    }

    /**
     * Sends the example as its sender, through intake.
     *
     * @throws Refused when there is no such example or its sender is not a partner in service
     * @throws org.carebridge.gateway.fhir.IntakeRejected when intake refuses it, as it would over HTTPS
     */
    public Sent send(String name, Actor actor) {
        Example example = examples().stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new Refused("example", "Choose one of the example records"));
        Partner sender = registry.byId(example.sender())
                .orElseThrow(() -> new Refused("example", "The example's sender " + example.sender() + " is not a partner in service"));
        String body;
        try {
            body = restamp(Files.readString(folder.resolve(example.name()), StandardCharsets.UTF_8), Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read example " + example.name(), e);
        }
        StoredRecord stored;
        try {
            stored = intake.requestBody(IntakeRoute.ENDPOINT, new IntakeRequest(sender, "application/fhir+json",
                    body.getBytes(StandardCharsets.UTF_8)), StoredRecord.class);
        } catch (CamelExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        log.info("{} ({}) sent example {} as demo sender {}: record {}", actor.name(), actor.role(), example.name(), sender.id(),
                stored.trackingId());
        return new Sent(stored.trackingId(), stored.event(), sender.id(), stored.deliveries().stream().map(d -> d.recipient()).toList());
    }

    /** The record's copies, by recipient; empty when no record has that id. */
    public List<Copy> copies(UUID trackingId) {
        return jdbc.query("select recipient, state, attempts, last_error from delivery where tracking_id = ? order by recipient",
                (rs, i) -> new Copy(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4)), trackingId);
    }

    public boolean exists(UUID trackingId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("select exists(select 1 from intake_record where tracking_id = ?)", Boolean.class, trackingId));
    }

    private static JsonNode header(JsonNode bundle) {
        for (JsonNode entry : bundle.path("entry")) {
            if ("MessageHeader".equals(entry.path("resource").path("resourceType").asText())) {
                return entry.path("resource");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** As {@code config/examples/Restamp.java}: Bundle.timestamp a minute ago, every gap kept, a fresh Bundle.id. */
    static String restamp(String json, Instant now) {
        Instant latest = null;
        Matcher find = DATE_TIME.matcher(json);
        while (find.find()) {
            Instant at = OffsetDateTime.parse(find.group(1)).toInstant();
            latest = latest == null || at.isAfter(latest) ? at : latest;
        }
        Matcher sent = TIMESTAMP.matcher(json);
        if (sent.find()) {
            latest = OffsetDateTime.parse(sent.group(1)).toInstant();
        }
        String fresh = json.replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"", "\"id\": \"" + UUID.randomUUID() + "\"");
        if (latest == null) {
            return fresh;
        }
        Duration shift = Duration.between(latest, now.minusSeconds(60));
        Matcher replace = DATE_TIME.matcher(fresh);
        StringBuilder out = new StringBuilder();
        while (replace.find()) {
            String moved = OffsetDateTime.parse(replace.group(1)).plus(shift).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            replace.appendReplacement(out, Matcher.quoteReplacement("\"" + moved + "\""));
        }
        replace.appendTail(out);
        return out.toString();
    }
}
