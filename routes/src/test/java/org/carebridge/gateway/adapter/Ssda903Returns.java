package org.carebridge.gateway.adapter;

import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.connectors.inbound.Ssda903Inbound;
import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The SSDA903 returns the intake tests send as Suffolk's children's services ({@code cs-suffolk}, 2025-26 codes): a
 * zipped CSV set of a Header row per child and the Episodes rows given, each child a placement in a children's home,
 * read by Suffolk's intake on the shared gateway context.
 */
abstract class Ssda903Returns extends GatewayTest {

    static final String SENDER = "cs-suffolk";
    static final String EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n";
    private static final DateTimeFormatter DDMMYYYY = DateTimeFormatter.ofPattern("dd/MM/yyyy");

    @Autowired
    GovernedIntake intake;

    @Autowired
    CollectionYears years;

    @Autowired
    ChildrensHomes homes;

    @TempDir
    Path dir;

    /** Suffolk's CSV intake, the 2025-26 code lists, episodes new within 30 days. */
    Ssda903Inbound inbound() {
        Ssda903Settings settings = new Ssda903Settings(SENDER, "Suffolk County Council Children's Services", "E10000029",
                years.year("2025-26").orElseThrow(), null, Ssda903Settings.UnknownColumns.WARN);
        return new Ssda903Inbound(intake, settings, Period.ofDays(30), homes, Ssda903Inbound.Form.CSV, ZippedTables.Limits.DEFAULT,
                Clock.systemUTC());
    }

    /** {@code n} child ids new to this run, each starting with {@code letter}. */
    static List<String> children(String letter, int n) {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 6).toUpperCase();
        List<String> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            children.add(letter + run + i);
        }
        return children;
    }

    /** An Episodes row: the child placed in a private children's home on {@code placed}. */
    static String episode(String child, LocalDate placed) {
        return child + "," + placed.format(DDMMYYYY) + ",P,C2,N1,K2,PR4,,,CARPL,,,SC480321\r\n";
    }

    /** The Episodes table: its header line and a row per child, each placed on {@code placed}. */
    static String episodes(List<String> children, LocalDate placed) {
        StringBuilder rows = new StringBuilder(EPISODES);
        children.forEach(child -> rows.append(episode(child, placed)));
        return rows.toString();
    }

    /** Writes {@code zip}: Header.csv with a row per child, and Episodes.csv as given (its header line included). */
    static Path zip(Path zip, List<String> children, String episodes) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            out.putNextEntry(new ZipEntry("Header.csv"));
            text.write("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n");
            for (String child : children) {
                text.write(child + ",2,14/03/2012,WBRI,UN4,,\r\n");
            }
            text.flush();
            out.closeEntry();
            out.putNextEntry(new ZipEntry("Episodes.csv"));
            text.write(episodes);
            text.flush();
            out.closeEntry();
        }
        return zip;
    }
}
