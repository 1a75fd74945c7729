package org.carebridge.gateway.cluster;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.LedgerWriter;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose clock runs two minutes ahead records a fact, then a node on time records the next one: the ledger takes
 * each fact's time from the database's clock, so the entries stay in time order and neither is in the future.
 */
class ClockSkewLedgerTest extends GatewayTest {

    @Autowired
    AuditTrail audit;
    @Autowired
    LedgerWriter ledger;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aFactFromANodeTwoMinutesAheadKeepsTheLedgerInTimeOrder() {
        String trackingId = UUID.randomUUID().toString();
        Instant ahead = Instant.now().plus(Duration.ofMinutes(2));
        audit.record(new AuditFact(ahead, AuditKind.CONFIG_CHANGED, "node-ahead", "gateway", trackingId,
                null, null, null, null, "clock-skew", null, List.of()));
        audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, "node-on-time", "gateway").tracking(trackingId).outcome("clock-skew", null));
        ledger.chainPending();

        List<Instant> times = jdbc.query("select entry_time from audit_entry where tracking_id = ? order by seq",
                (rs, i) -> Instant.parse(rs.getString(1)), trackingId);
        Instant databaseNow = jdbc.queryForObject("select clock_timestamp()", Timestamp.class).toInstant();
        assertThat(times).hasSize(2);
        assertThat(times.get(1)).as("the on-time node's entry, after the other's").isAfterOrEqualTo(times.get(0));
        assertThat(times.get(0)).as("the entry of the node ahead, on the database's clock").isBeforeOrEqualTo(databaseNow);
    }
}
