package org.carebridge.gateway;

import org.carebridge.gateway.demo.DemoPartnerServer;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayProcess;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway is killed with SIGKILL while copies have reached their recipients but their delivery has not yet been
 * recorded, several times; afterwards every delivered copy has exactly one DISCLOSED ledger entry.
 *
 * <p>To hit that moment every time, a test trigger makes each DISCLOSED audit fact wait for an advisory lock the test
 * holds: every consumer that has delivered a copy then stands still just before its commit. The test counts them,
 * kills the JVM, ends the dead gateway's database sessions (as the server does when their sockets close), lets go of
 * the lock and starts the gateway again. Deliveries go on after the last round with nothing held.
 */
class DisclosureCrashIT {

    private static final Logger log = LoggerFactory.getLogger(DisclosureCrashIT.class);
    private static final int RECORDS = 12;
    private static final int RECIPIENTS = 3;
    private static final int ROUNDS = 3;
    private static final long HOLD = 0x44697363L;

    private final GatewayProcess gateway = new GatewayProcess();

    @Test
    void everyCopyDeliveredAcrossHardKillsBeforeItsCommitHasExactlyOneDisclosedEntry() throws Exception {
        DemoPartnerServer partners = null;
        try {
            gateway.start();
            DevPki pki = new DevPki(gateway.dataDir().resolve("pki"));
            PartnerClient sender = PartnerClient.withCertificate(pki.partnerCertificate("cs-suffolk"), pki.partnerKey("cs-suffolk"),
                    pki.caCertificate(), gateway.baseUrl());
            List<String> trackingIds = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                HttpResponse<String> accepted = sender.processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
                assertThat(accepted.statusCode()).isEqualTo(202);
                trackingIds.add(accepted.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow());
            }
            try (Connection db = gateway.database(); Statement sql = db.createStatement()) {
                sql.execute("""
                        create function hold_disclosure() returns trigger language plpgsql as $$
                        begin
                            if new.kind = 'DISCLOSED' then perform pg_advisory_xact_lock_shared(%d); end if;
                            return new;
                        end $$""".formatted(HOLD));
                sql.execute("create trigger hold_disclosure before insert on audit_outbox for each row execute function hold_disclosure()");
            }

            int killedInFlight = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                try (Connection db = gateway.database(); Statement sql = db.createStatement()) {
                    sql.execute("select pg_advisory_lock(" + HOLD + ")");
                    if (partners == null) {
                        partners = gateway.startPartners();
                    }
                    await().atMost(Duration.ofSeconds(90)).until(() -> waitingOnHold(db) > 0);
                    int waiting = waitingOnHold(db);
                    gateway.kill();
                    sql.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                            + "where backend_type = 'client backend' and pid <> pg_backend_pid()");
                    await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnHold(db) == 0);
                    sql.execute("select pg_advisory_unlock(" + HOLD + ")");
                    killedInFlight += waiting;
                }
                gateway.start();
            }

            String ours = "(" + String.join(",", trackingIds.stream().map(id -> "'" + id + "'").toList()) + ")";
            try (Connection db = gateway.database()) {
                await().atMost(Duration.ofSeconds(120)).until(() -> count(db, "select count(*) from delivery where state = 'DELIVERED' "
                        + "and tracking_id::text in " + ours) == RECORDS * RECIPIENTS);
                await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "select count(*) from audit_outbox where kind = 'DISCLOSED' "
                        + "and tracking_id in " + ours) == 0);
                long delivered = count(db, "select count(*) from delivery where state = 'DELIVERED' and tracking_id::text in " + ours);
                long disclosed = count(db, "select count(*) from audit_entry where kind = 'DISCLOSED' and tracking_id in " + ours);
                long copiesWithOneEntry = count(db, """
                        select count(*) from delivery d where d.state = 'DELIVERED' and d.tracking_id::text in %s
                        and (select count(*) from audit_entry e where e.kind = 'DISCLOSED' and e.tracking_id = d.tracking_id::text
                             and e.recipient = d.recipient) = 1""".formatted(ours));
                log.info("{} kills with {} delivered copies waiting on their commit: {} DELIVERED copies, {} DISCLOSED entries",
                        ROUNDS, killedInFlight, delivered, disclosed);
                assertThat(killedInFlight).as("copies caught between delivery and commit").isGreaterThanOrEqualTo(ROUNDS);
                assertThat(disclosed).as("DISCLOSED entries for %d DELIVERED copies", delivered).isEqualTo(delivered);
                assertThat(copiesWithOneEntry).isEqualTo(delivered);
            }
        } finally {
            gateway.stop();
            if (partners != null) {
                partners.stop();
            }
        }
    }

    private static int waitingOnHold(Connection db) throws SQLException {
        return (int) count(db, "select count(*) from pg_locks where locktype = 'advisory' and not granted and objid = " + HOLD);
    }

    private static long count(Connection db, String query) throws SQLException {
        try (Statement sql = db.createStatement(); ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
