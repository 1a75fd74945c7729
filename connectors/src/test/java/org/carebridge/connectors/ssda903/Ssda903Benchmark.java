package org.carebridge.connectors.ssda903;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * How a large SSDA903 CSV set maps, streaming, in a small heap. Not part of the build's tests:
 * {@code ./mvnw -pl connectors -am -Pbench test -Dbench.ssda903.mb=200} (the profile runs with -Xmx256m).
 * Prints the uncompressed size, rows, time and the heap in use at the end.
 */
@Tag("bench")
class Ssda903Benchmark {

    @TempDir
    Path dir;

    @Test
    void aLargeReturnMapsInASmallHeap() throws IOException {
        long targetBytes = Long.getLong("bench.ssda903.mb", 50) * 1024 * 1024;
        DateTimeFormatter ddmmyyyy = DateTimeFormatter.ofPattern("dd/MM/yyyy");
        LocalDate start = LocalDate.parse("2025-04-01");
        Path zip = dir.resolve("large.zip");
        int children = 50_000;
        long written = 0;
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("Header.csv"));
            BufferedWriter header = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            header.write("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n");
            for (int c = 0; c < children; c++) {
                header.write("C" + c + "," + (1 + c % 2) + ",14/03/2012,WBRI,UN4,,\r\n");
            }
            header.flush();
            out.closeEntry();
            out.putNextEntry(new ZipEntry("Episodes.csv"));
            BufferedWriter episodes = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            episodes.write("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n");
            for (long row = 0; written < targetBytes; row++) {
                String line = "C" + (row % children) + "," + start.plusDays(row % 360).format(ddmmyyyy)
                        + ",P,C2,N1,K2,PR4,,,CARPL,IP1 1AA,NR1 1AA,SC480321\r\n";
                episodes.write(line);
                written += line.length();
            }
            episodes.flush();
            out.closeEntry();
        }
        Ssda903Reader reader = new Ssda903Reader(new Ssda903Settings("cs-suffolk", "Suffolk", "E10000029",
                Ssda903Fixtures.YEARS.year("2025-26").orElseThrow(), LocalDate.parse("2026-03-01"),
                Ssda903Settings.UnknownColumns.WARN), Ssda903Fixtures.HOMES);
        AtomicLong mapped = new AtomicLong();
        AtomicLong rows = new AtomicLong();
        long began = System.nanoTime();
        reader.readCsvZip(zip, new ZippedTables.Limits(64, 1024L * 1024 * 1024, 1000), Ssda903Fixtures.MAPPED_AT, outcome -> {
            rows.incrementAndGet();
            if (outcome.status() == RowOutcome.Status.MAPPED) {
                mapped.incrementAndGet();
            }
        });
        double seconds = (System.nanoTime() - began) / 1e9;
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        System.out.printf("SSDA903 benchmark: %d MB of Episodes (zip %d MB), %d rows, %d placement notifications mapped, "
                        + "%.1f s (%.0f rows/s), max heap %d MB, heap in use after %d MB%n",
                written / (1024 * 1024), Files.size(zip) / (1024 * 1024), rows.get(), mapped.get(), seconds, rows.get() / seconds,
                runtime.maxMemory() / (1024 * 1024), (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024));
    }
}
