package org.carebridge.harness;

import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.CpuPerOperation;
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
import java.time.Duration;
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
    private static final Duration WARMUP = Duration.ofSeconds(3);
    private static final Duration ROUND = Duration.ofSeconds(1);
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
        CpuPerOperation.Operation oneSignature = () -> {
            byte[] signed = floor.sign(content);
            keys.forEach(k -> floor.envelope(content, signed, k));
        };
        CpuPerOperation.Operation signaturePerCopy = () -> keys.forEach(k -> floor.seal(content, k));
        // both paths compiled before either is measured
        CpuPerOperation.over(oneSignature, WARMUP);
        CpuPerOperation.over(signaturePerCopy, WARMUP);
        double one = CpuPerOperation.median(oneSignature, WARMUP, ROUND, ROUNDS);
        double perCopy = CpuPerOperation.median(signaturePerCopy, WARMUP, ROUND, ROUNDS);
        return new Crypto(one, perCopy, keys.size());
    }

    /**
     * One transaction per record inserting {@code rows} rows (the first carrying a body of the copy's size, the rest 200
     * bytes) as one JDBC batch, then a commit; for {@code ROUNDS} seconds after a warm-up.
     */
    static Database database(String serverUrl, long postgresPid, double postgresIdleMsPerSecond, int rows, byte[] content)
            throws Exception {
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
                CpuPerOperation.Operation record = () -> {
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
                CpuPerOperation.over(record, WARMUP);
                int before = sequence[0];
                long pg0 = ProcessCpu.treeNanos(postgresPid);
                long wall0 = System.nanoTime();
                long thread0 = THREADS.getCurrentThreadCpuTime();
                CpuPerOperation.over(record, ROUND.multipliedBy(ROUNDS));
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
}
