package org.carebridge.gateway.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A size-limited tmpfs of the test's own, for filling: mounted in an unprivileged user and mount namespace
 * ({@code unshare -Urm}), which needs no root. Two ways to use it:
 * <ul>
 *   <li>{@link #mount}: a small process holds the namespace open, and every process outside it reaches the
 *   filesystem through {@code /proc/<holder>/root} (a standalone PostgreSQL started from the test, say; its clients
 *   connect over TCP, which a mount namespace does not affect);</li>
 *   <li>{@link #launcher}: a command runs inside the namespace, in a nested user namespace as the current uid, because
 *   PostgreSQL refuses to run as the namespace's uid 0 (a gateway whose embedded PostgreSQL and Artemis keep their
 *   data there).</li>
 * </ul>
 * Where the machine allows neither ({@link #unavailable}), the caller skips what needs it and says so.
 */
public final class SmallFilesystem implements AutoCloseable {

    private final Process holder;
    private final Path seen;

    private SmallFilesystem(Process holder, Path mountPoint) {
        this.holder = holder;
        this.seen = Path.of("/proc", Long.toString(holder.pid()), "root").resolve(mountPoint.toString().substring(1));
    }

    /**
     * Why this machine cannot give the test a small filesystem of its own, or empty when it can: an unprivileged user
     * may mount a tmpfs in a user and mount namespace and run as itself in a nested user namespace.
     */
    public static Optional<String> unavailable(Path probe) throws IOException, InterruptedException {
        Files.createDirectories(probe);
        String said;
        int exit;
        try {
            Process p = new ProcessBuilder("unshare", "-Urm", "sh", "-c",
                    "mount -t tmpfs -o size=1m tmpfs \"$1\" && exec unshare --user --map-user=\"$2\" --map-group=\"$3\" sh -c 'test \"$(id -u)\" = \"$0\"' \"$2\"",
                    "probe", probe.toString(), id("uid"), id("gid")).redirectErrorStream(true).start();
            said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            exit = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            said = e.getMessage();
            exit = -1;
        }
        return exit == 0 ? Optional.empty() : Optional.of("this machine does not let an unprivileged user mount a tmpfs in a user "
                + "and mount namespace and run as itself in a nested user namespace (unshare -Urm; " + said + ")");
    }

    /** Mounts a tmpfs of {@code size} (as mount's size option: 256m) over {@code mountPoint} in a namespace held open. */
    public static SmallFilesystem mount(Path mountPoint, String size) throws IOException {
        Files.createDirectories(mountPoint);
        // the holder waits on its standard input, so it ends with this JVM however that ends
        Process holder = new ProcessBuilder("unshare", "-Urm", "sh", "-c",
                "mount -t tmpfs -o size=\"$1\" tmpfs \"$2\" && echo mounted && exec cat", "small-filesystem", size, mountPoint.toString())
                .redirectErrorStream(true).start();
        String said = new String(holder.getInputStream().readNBytes("mounted\n".length()), StandardCharsets.UTF_8);
        if (!said.startsWith("mounted")) {
            holder.destroyForcibly();
            throw new IOException("could not mount a tmpfs in a user and mount namespace: " + said.trim());
        }
        return new SmallFilesystem(holder, mountPoint);
    }

    /** The filesystem as processes outside its namespace reach it. */
    public Path path() {
        return seen;
    }

    /**
     * {@code command} run in a new user and mount namespace with a tmpfs of {@code size} over {@code mountPoint} (its
     * {@code subdirectories} made), as the current uid in a nested user namespace.
     */
    public static List<String> launcher(Path mountPoint, String size, List<String> subdirectories, List<String> command) {
        StringBuilder mkdirs = new StringBuilder();
        for (String dir : subdirectories) {
            mkdirs.append(" && mkdir -p \"$2/").append(dir).append('"');
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-Urm", "sh", "-c",
                "mount -t tmpfs -o size=\"$1\" tmpfs \"$2\"" + mkdirs + " && u=$3 && g=$4 && shift 4"
                        + " && exec unshare --user --map-user=\"$u\" --map-group=\"$g\" \"$@\"",
                "small-filesystem", size, mountPoint.toString(), id("uid"), id("gid")));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Writes {@code filler} until the filesystem it is on has no byte left; returns how much it took. */
    public static long fill(Path filler) throws IOException {
        long written = 0;
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int chunk : new int[]{1 << 20, 1 << 12, 1 << 9}) {
                ByteBuffer bytes = ByteBuffer.allocate(chunk);
                try {
                    while (true) {
                        bytes.clear();
                        while (bytes.hasRemaining()) {
                            written += out.write(bytes);
                        }
                    }
                } catch (IOException noSpaceLeft) {
                    // the next, smaller chunk fills what is left
                }
            }
            out.force(true);
        }
        return written;
    }

    private static String id(String which) {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:" + which).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets the namespace go; the tmpfs goes with the last process that has a file open on it. */
    @Override
    public void close() throws InterruptedException {
        holder.destroy();
        if (!holder.waitFor(10, TimeUnit.SECONDS)) {
            holder.destroyForcibly().waitFor();
        }
    }
}
