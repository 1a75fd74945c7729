import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints an example message as if it were sent now: every dateTime in it is moved by the same amount, so that
 * Bundle.timestamp (else the latest dateTime) becomes one minute ago; the gaps between them, which the clock rules
 * measure, stay as written (a planned placement still starts after it is notified). Bundle.id becomes a fresh UUID, so
 * that posting it again is a new record. Dates without a time (birth dates) are left as they are.
 *
 *   java config/examples/Restamp.java config/examples/placement-notification.json > /tmp/placement.json
 *   java config/examples/Restamp.java --out /tmp/now config/examples/*.json      (each file, same name, into /tmp/now)
 */
public class Restamp {

    private static final Pattern DATE_TIME = Pattern.compile(
            "\"(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:\\d{2}))\"");

    public static void main(String[] args) throws Exception {
        Instant now = Instant.now();
        if (args.length == 1) {
            System.out.print(restamp(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8), now));
            return;
        }
        if (args.length < 3 || !args[0].equals("--out")) {
            System.err.println("usage: java config/examples/Restamp.java <example.json>");
            System.err.println("       java config/examples/Restamp.java --out <folder> <example.json>...");
            System.exit(2);
        }
        Path out = Files.createDirectories(Path.of(args[1]));
        for (int i = 2; i < args.length; i++) {
            Path file = Path.of(args[i]);
            Files.writeString(out.resolve(file.getFileName()), restamp(Files.readString(file, StandardCharsets.UTF_8), now),
                    StandardCharsets.UTF_8);
        }
    }

    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\"\\s*:\\s*" + DATE_TIME.pattern());

    static String restamp(String json, Instant now) {
        Instant latest = null;
        Matcher sent = TIMESTAMP.matcher(json);
        Matcher find = DATE_TIME.matcher(json);
        while (find.find()) {
            Instant at = OffsetDateTime.parse(find.group(1)).toInstant();
            latest = latest == null || at.isAfter(latest) ? at : latest;
        }
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
            OffsetDateTime at = OffsetDateTime.parse(replace.group(1));
            String moved = at.plus(shift).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            replace.appendReplacement(out, Matcher.quoteReplacement("\"" + moved + "\""));
        }
        replace.appendTail(out);
        return out.toString();
    }
}
