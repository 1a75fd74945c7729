package org.carebridge.gateway.storage;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child's identifiers, name and birth date, sent through the gateway, appear in plain text nowhere but the
 * recipients' own inboxes: not in the log, any database table, the database's files, the broker's journal, the
 * metrics, or an error answer.
 */
class LeakScanTest extends GatewayTest {

    @Test
    void aChildsDetailsAreFoundNowhereOutsideTheInboxes() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        String nhsNumber = Examples.freshNhsNumber();
        String family = "Quillfeather" + Long.toString(System.nanoTime(), 36);
        String given = "Zephyrine";
        String birthDate = "2011-0" + (1 + (int) (System.nanoTime() % 9)) + "-2" + (int) (System.nanoTime() % 8);
        Map<String, String> seeded = Map.of("NHS number", nhsNumber, "family name", family, "birth date", birthDate,
                "local child id", "SCC-" + family);
        List<String> errorAnswers = new ArrayList<>();
        try {
            String messageId = Examples.newMessageId();
            String message = Examples.placementNotification(messageId).replace("9434765919", nhsNumber)
                    .replace("\"Example\"", "\"" + family + "\"").replace("\"Test\"", "\"" + given + "\"")
                    .replace("2012-03-14", birthDate).replace("SCC-000123", "SCC-" + family);
            assertThat(as("cs-suffolk").processMessage(Examples.bytes(message)).statusCode()).isEqualTo(202);
            for (String recipient : List.of("cs-norfolk", "health-norfolk", "vs-suffolk")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile(recipient, messageId)));
            }
            assertThat(Files.readString(inboxFile("health-norfolk", messageId))).contains(nhsNumber);

            // bad input carrying the same details: the answers explain without echoing them
            errorAnswers.add(as("cs-suffolk").processMessage(Examples.bytes(message.replace("\"resourceType\": \"Bundle\"",
                    "\"resourceType\": \"Bundle\", \"resourceType\": \"" + nhsNumber + "\""))).body());
            errorAnswers.add(as("cs-suffolk").processMessage(Examples.bytes(message.substring(0, message.indexOf(family) + 4))).body());
            errorAnswers.add(as("cs-suffolk").processMessage(Examples.bytes(message.replace("\"birthDate\": \"" + birthDate + "\"",
                    "\"birthDate\": \"" + family + "\""))).body());
            errorAnswers.add(as("cs-suffolk").get("/fhir/Consent?patient.identifier=" + nhsNumber + "&_bogus=" + family).body());
            errorAnswers.add(as("cs-suffolk").get("/records/" + family).body());
        } finally {
            root.detachAppender(log);
        }
        jdbc.execute("CHECKPOINT");

        Map<String, List<String>> hits = new LinkedHashMap<>();
        StringBuilder logText = new StringBuilder();
        for (ILoggingEvent event : log.list) {
            logText.append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                logText.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
            }
            event.getMDCPropertyMap().forEach((k, v) -> logText.append(k).append('=').append(v).append('\n'));
        }
        scanText("log", logText.toString(), seeded, hits);
        scanText("error answers", String.join("\n", errorAnswers), seeded, hits);
        scanText("metrics", metrics(), seeded, hits);
        int tables = 0;
        for (String table : jdbc.queryForList("select table_name from information_schema.tables where table_schema = 'public'"
                + " and table_type = 'BASE TABLE'", String.class)) {
            String rows = String.join("\n", jdbc.queryForList("select t::text from \"" + table + "\" t", String.class));
            scanText("table " + table, rows, seeded, hits);
            tables++;
        }
        int files = scanFiles("database files", DATA_DIR.resolve("postgres"), seeded, hits);
        int journal = scanFiles("broker journal", DATA_DIR.resolve("artemis"), seeded, hits);

        System.out.printf("leak scan: %d log lines, %d error answers, %d tables, %d database files, %d journal files: %d plaintext hits %s%n",
                log.list.size(), errorAnswers.size(), tables, files, journal, hits.values().stream().mapToInt(List::size).sum(), hits);
        assertThat(tables).isGreaterThan(10);
        assertThat(files).isGreaterThan(100);
        assertThat(journal).isPositive();
        assertThat(hits).isEmpty();
        // the scan itself finds what is there: the health team's inbox holds the NHS number in plain text
        Map<String, List<String>> inboxHits = new LinkedHashMap<>();
        scanFiles("inbox", inbox("health-norfolk").dir(), Map.of("NHS number", nhsNumber), inboxHits);
        assertThat(inboxHits).isNotEmpty();
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/prometheus")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Plain text, and as PostgreSQL renders bytea (hex), so that text stored in a binary column is found too. */
    private static void scanText(String where, String text, Map<String, String> seeded, Map<String, List<String>> hits) {
        String lower = text.toLowerCase();
        seeded.forEach((what, value) -> {
            if (text.contains(value) || lower.contains(HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)))) {
                hits.computeIfAbsent(where, k -> new ArrayList<>()).add(what);
            }
        });
    }

    private static int scanFiles(String where, Path dir, Map<String, String> seeded, Map<String, List<String>> hits) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                continue; // a file the server removed while we walked
            }
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            seeded.forEach((what, value) -> {
                if (text.contains(value) || text.contains(utf16(value))) {
                    hits.computeIfAbsent(where + " " + dir.relativize(file), k -> new ArrayList<>()).add(what);
                }
            });
        }
        return files.size();
    }

    /** Artemis writes string properties as UTF-16. */
    private static String utf16(String value) {
        return new String(value.getBytes(StandardCharsets.UTF_16BE), StandardCharsets.ISO_8859_1);
    }
}
