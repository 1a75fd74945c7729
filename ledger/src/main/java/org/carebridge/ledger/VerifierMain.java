package org.carebridge.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The offline verifier:
 * {@code java -jar carebridge-ledger.jar verify --entries <ledger.jsonl> [--checkpoints <dir or checkpoints.json>]
 * [--cert <signer.crt.pem>] [--previous <older-checkpoint.json>]}.
 * Exit 0 and "OK: ..." when the ledger is intact; 1 and "FAIL: entry N: ..." naming the first bad entry (or
 * "FAIL: checkpoint N: ..."); 2 for usage errors and unreadable inputs.
 */
public final class VerifierMain {

    static final String USAGE = "usage: java -jar carebridge-ledger.jar verify --entries <ledger.jsonl>"
            + " [--checkpoints <dir>|<checkpoints.json>] [--cert <signer.crt.pem>] [--previous <older-checkpoint.json>]";

    private VerifierMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private record Options(Path entries, Path checkpoints, Path cert, Path previous) {

        static Options parse(String[] args) throws UsageException {
            if (args.length == 0 || !args[0].equals("verify")) {
                throw new UsageException("the only command is \"verify\"");
            }
            Path entries = null;
            Path checkpoints = null;
            Path cert = null;
            Path previous = null;
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new UsageException(args[i] + " needs a value");
                }
                Path value = Path.of(args[i + 1]);
                switch (args[i]) {
                    case "--entries" -> entries = value;
                    case "--checkpoints" -> checkpoints = value;
                    case "--cert" -> cert = value;
                    case "--previous" -> previous = value;
                    default -> throw new UsageException("unknown option " + args[i]);
                }
            }
            if (entries == null) {
                throw new UsageException("--entries is required");
            }
            return new Options(entries, checkpoints, cert, previous);
        }
    }

    /** Runs the command line, printing to {@code out}; returns the exit code. */
    public static int run(String[] args, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            out.println("ERROR: " + e.getMessage());
            out.println(USAGE);
            return 2;
        }
        String lines;
        X509Certificate signer;
        Checkpoint previous;
        try {
            lines = readLeniently(options.entries());
            signer = options.cert() == null ? null : readCertificate(options.cert());
            previous = options.previous() == null ? null : Checkpoint.fromJson(Files.readString(options.previous()));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            out.println("ERROR: cannot read the input: " + e);
            return 2;
        }

        List<LedgerEntry> entries = new ArrayList<>();
        List<String> lineList = lines.lines().toList();
        for (int i = 0; i < lineList.size(); i++) {
            if (lineList.get(i).isBlank()) {
                continue;
            }
            try {
                entries.add(LedgerEntry.fromExportLine(lineList.get(i)));
            } catch (IllegalArgumentException e) {
                // an earlier fault in the entries read so far comes first
                LedgerVerifier.Result before = LedgerVerifier.verify(entries, List.of(), null, null);
                String failure = before.ok() ? "entry " + (entries.size() + 1) + ": unreadable line " + (i + 1) + ": "
                        + e.getMessage() : before.message();
                out.println("FAIL: " + failure);
                return 1;
            }
        }

        List<Checkpoint> checkpoints = new ArrayList<>();
        if (options.checkpoints() != null && Files.isRegularFile(options.checkpoints())) {
            // the JSON array GET /ig/ledger/checkpoints answers, saved as it came
            try {
                List<String> objects = arrayObjects(readLeniently(options.checkpoints()));
                for (int i = 0; i < objects.size(); i++) {
                    try {
                        checkpoints.add(Checkpoint.fromJson(objects.get(i)));
                    } catch (IllegalArgumentException e) {
                        out.println("FAIL: checkpoint " + (i + 1) + " of " + options.checkpoints().getFileName() + ": unreadable: "
                                + e.getMessage());
                        return 1;
                    }
                }
            } catch (IllegalArgumentException e) {
                out.println("FAIL: " + options.checkpoints().getFileName() + " is not a JSON array of checkpoints: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                out.println("ERROR: cannot read the checkpoints: " + e);
                return 2;
            }
        } else if (options.checkpoints() != null) {
            try (Stream<Path> files = Files.list(options.checkpoints())) {
                for (Path file : files.filter(VerifierMain::isCheckpointFile).sorted().toList()) {
                    try {
                        checkpoints.add(Checkpoint.fromJson(readLeniently(file)));
                    } catch (IllegalArgumentException e) {
                        out.println("FAIL: checkpoint file " + file.getFileName() + ": unreadable: " + e.getMessage());
                        return 1;
                    }
                }
            } catch (IOException e) {
                out.println("ERROR: cannot read the checkpoints: " + e);
                return 2;
            }
        }

        LedgerVerifier.Result result = LedgerVerifier.verify(entries, checkpoints, signer, previous);
        out.println((result.ok() ? "OK: " : "FAIL: ") + result.message());
        return result.ok() ? 0 : 1;
    }

    /** The objects of a JSON array of flat objects, each as its own text (strings may hold any escaped character). */
    static List<String> arrayObjects(String json) {
        List<String> objects = new ArrayList<>();
        int i = skipSpace(json, 0);
        if (i >= json.length() || json.charAt(i) != '[') {
            throw new IllegalArgumentException("it does not start with [");
        }
        i = skipSpace(json, i + 1);
        if (i < json.length() && json.charAt(i) == ']') {
            return objects;
        }
        while (true) {
            if (i >= json.length() || json.charAt(i) != '{') {
                throw new IllegalArgumentException("expected { at character " + (i + 1));
            }
            int start = i;
            boolean inString = false;
            for (i = i + 1; i < json.length(); i++) {
                char c = json.charAt(i);
                if (inString) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    throw new IllegalArgumentException("a checkpoint holds no nested value (character " + (i + 1) + ")");
                } else if (c == '}') {
                    break;
                }
            }
            if (i >= json.length()) {
                throw new IllegalArgumentException("an object is not closed");
            }
            objects.add(json.substring(start, i + 1));
            i = skipSpace(json, i + 1);
            if (i < json.length() && json.charAt(i) == ',') {
                i = skipSpace(json, i + 1);
            } else if (i < json.length() && json.charAt(i) == ']') {
                if (skipSpace(json, i + 1) != json.length()) {
                    throw new IllegalArgumentException("unexpected text after the array");
                }
                return objects;
            } else {
                throw new IllegalArgumentException("expected , or ] at character " + (i + 1));
            }
        }
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Bytes that are not UTF-8 become U+FFFD, so they fail their entry's hash or checkpoint's signature. */
    private static String readLeniently(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static boolean isCheckpointFile(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("checkpoint-") && name.endsWith(".json") && Files.isRegularFile(file);
    }

    private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
