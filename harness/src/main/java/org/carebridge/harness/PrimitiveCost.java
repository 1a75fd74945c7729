package org.carebridge.harness;

import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.PrimitiveFloor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * The cost of a record's raw primitives, measured in this process with the gateway's own keys and algorithms: the
 * crypto floor (the security module's {@link PrimitiveFloor}: ECDSA P-256 signature, RSA-OAEP key transport, JDK
 * AES-256-GCM) and the database floor (the record's rows inserted in one JDBC batch and committed, fsync on, on the
 * gateway's own PostgreSQL server, in a scratch database dropped afterwards). Costs are CPU time: the measuring
 * thread's, and for the database also PostgreSQL's, less its background rate measured with no load.
 */
final class PrimitiveCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long WARMUP_MS = 3000;
    private static final long ROUND_MS = 1000;
    private static final int ROUNDS = 5;

    /** Crypto floor per record, in microseconds: as the issue counts it (one signature), and with a signature per copy. */
    record Crypto(double oneSignature, double signaturePerCopy, int copies) {
    }

    /** Database floor per record, in microseconds of CPU: the client's thread and PostgreSQL's. */
    record Database(double client, double postgres, int rows, int records) {
        double total() {
            return client + postgres;
        }
    }

    private PrimitiveCost() {
    }

    static Crypto crypto(Path pkiDir, byte[] content, List<String> recipients) throws Exception {
        DevPki pki = new DevPki(pkiDir);
        PrimitiveFloor floor = new PrimitiveFloor(KeyMaterial.load(pki.gatewaySigningCertificate(), pki.gatewaySigningKey()));
        List<PublicKey> keys = recipients.stream()
                .map(r -> floor.recipientKey(KeyMaterial.load(pki.partnerEncryptionCertificate(r), pki.partnerEncryptionKey(r))
                        .certificate().getPublicKey()))
                .toList();
        Runnable oneSignature = () -> {
            byte[] signed = floor.sign(content);
            keys.forEach(k -> floor.envelope(content, signed, k));
        };
        Runnable signaturePerCopy = () -> keys.forEach(k -> floor.seal(content, k));
        // both paths compiled before either is measured
        runFor(oneSignature, WARMUP_MS);
        runFor(signaturePerCopy, WARMUP_MS);
        double one = perOpMicros(oneSignature);
        double perCopy = perOpMicros(signaturePerCopy);
        return new Crypto(one, perCopy, keys.size());
    }

    /**
     * One transaction per record inserting {@code rows} rows (the first carrying a body of the copy's size, the rest 200
     * bytes) as one JDBC batch, then a commit; for {@code ROUNDS} seconds after a warm-up.
     */
    static Database database(String serverUrl, long postgresPid, double postgresIdleMsPerSecond, int rows, byte[] content)
            throws SQLException {
        try (Connection admin = DriverManager.getConnection(serverUrl + "postgres?user=postgres");
             Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists harness_floor");
            statement.execute("create database harness_floor");
        }
        try {
            try (Connection db = DriverManager.getConnection(serverUrl + "harness_floor?user=postgres")) {
                try (Statement statement = db.createStatement()) {
                    statement.execute("create table floor_row (id bigserial primary key, tracking_id text not null, "
                            + "kind text not null, created_at timestamptz not null default now(), body bytea)");
                    statement.execute("create index floor_row_tracking_idx on floor_row (tracking_id)");
                }
                db.setAutoCommit(false);
                byte[] small = new byte[200];
                RANDOM.nextBytes(small);
                int[] sequence = {0};
                Runnable record = () -> {
                    String tracking = "floor-" + sequence[0]++;
                    try (PreparedStatement insert = db.prepareStatement("insert into floor_row (tracking_id, kind, body) values (?, ?, ?)")) {
                        for (int r = 0; r < rows; r++) {
                            insert.setString(1, tracking);
                            insert.setString(2, r == 0 ? "record" : "fact");
                            insert.setBytes(3, r == 0 ? content : small);
                            insert.addBatch();
                        }
                        insert.executeBatch();
                        db.commit();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                };
                runFor(record, WARMUP_MS);
                int before = sequence[0];
                long pg0 = ProcessCpu.treeNanos(postgresPid);
                long wall0 = System.nanoTime();
                long thread0 = THREADS.getCurrentThreadCpuTime();
                runFor(record, ROUND_MS * ROUNDS);
                long thread = THREADS.getCurrentThreadCpuTime() - thread0;
                double seconds = (System.nanoTime() - wall0) / 1e9;
                long pg = ProcessCpu.treeNanos(postgresPid) - pg0;
                int records = sequence[0] - before;
                double pgMicros = Math.max(0, pg / 1000.0 - postgresIdleMsPerSecond * 1000 * seconds) / records;
                return new Database(thread / 1000.0 / records, pgMicros, rows, records);
            }
        } finally {
            try (Connection admin = DriverManager.getConnection(serverUrl + "postgres?user=postgres");
                 Statement statement = admin.createStatement()) {
                statement.execute("drop database if exists harness_floor");
            }
        }
    }

    private static double perOpMicros(Runnable operation) {
        runFor(operation, WARMUP_MS);
        double[] rounds = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            rounds[i] = runFor(operation, ROUND_MS);
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }

    /** CPU microseconds of this thread per operation over a time-boxed run. */
    private static double runFor(Runnable operation, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long start = THREADS.getCurrentThreadCpuTime();
        long count = 0;
        while (System.nanoTime() < end) {
            operation.run();
            count++;
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / 1000.0 / count;
    }
}
