package org.carebridge.connectors.ssda903;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The CSV tables of one SSDA903 return, sent as a zip. Guards against zip bombs while reading, not by trusting the
 * sizes the zip declares: too many entries, an entry inflating beyond the limit, or inflating more than
 * {@code maxRatio} times its compressed size (past the first MiB) refuses the file.
 */
public final class ZippedTables implements Ssda903Tables, AutoCloseable {

    /** Limits on a zip's contents. */
    public record Limits(int maxEntries, long maxEntryBytes, long maxRatio) {
        public static final Limits DEFAULT = new Limits(64, 512L * 1024 * 1024, 100);
    }

    private final ZipFile zip;
    private final Limits limits;
    private final List<String> names = new ArrayList<>();

    public ZippedTables(Path file, Limits limits) {
        this.limits = limits;
        try {
            if (Files.size(file) == 0) {
                throw new Ssda903Refused("the file is empty");
            }
            this.zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new Ssda903Refused("the file is not a complete zip archive (truncated or not a zip)");
        } catch (IOException e) {
            throw new Ssda903Refused("the file cannot be read");
        }
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            if (!entry.isDirectory()) {
                names.add(entry.getName());
            }
            if (names.size() > limits.maxEntries()) {
                close();
                throw new Ssda903Refused("the zip holds more than " + limits.maxEntries() + " files");
            }
        }
        if (names.isEmpty()) {
            close();
            throw new Ssda903Refused("the zip archive is empty");
        }
    }

    @Override
    public List<String> names() {
        return List.copyOf(names);
    }

    @Override
    public Reader open(String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        long compressed = Math.max(entry.getCompressedSize(), 1);
        InputStream bounded = new FilterInputStream(zip.getInputStream(entry)) {
            private long inflated;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(long n) {
                inflated += n;
                if (inflated > limits.maxEntryBytes()) {
                    throw new Ssda903Refused("a table in the zip inflates beyond " + limits.maxEntryBytes() + " bytes");
                }
                if (inflated > 1024 * 1024 && inflated / compressed > limits.maxRatio()) {
                    throw new Ssda903Refused("a table in the zip inflates more than " + limits.maxRatio()
                            + " times its compressed size (a zip bomb?)");
                }
            }
        };
        return new InputStreamReader(bounded, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            // nothing was written; closing a read-only archive has nothing to lose
        }
    }
}
