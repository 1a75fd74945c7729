package org.carebridge.gateway.audit;

import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** "Verify now" runs the offline verifier over the ledger's own export, and finds an entry changed behind the gateway's back. */
class LedgerIntegrityTest extends GatewayTest {

    @Autowired
    LedgerIntegrity integrity;

    @Test
    void verifyNowPassesAnIntactLedgerAndNamesTheFirstEntryChangedInTheDatabase() {
        await().atMost(Duration.ofSeconds(30)).until(() -> integrity.standing().latest() != null && integrity.entries() >= 2);
        LedgerIntegrity.Verification good = integrity.verifyNow();
        assertThat(good.ok()).as(good.output()).isTrue();
        assertThat(good.exitCode()).isZero();
        assertThat(good.output()).startsWith("OK: " + good.entries() + " entries, chain intact, " + good.checkpoints() + " checkpoints verified");

        String reason = jdbc.queryForObject("select reason from audit_entry where seq = 2", String.class);
        // what someone with the database owner's rights could do: switch the append-only triggers off for a moment
        jdbc.execute("alter table audit_entry disable trigger audit_entry_append_only");
        try {
            jdbc.update("update audit_entry set reason = coalesce(reason, '') || ' (edited)' where seq = 2");
            LedgerIntegrity.Verification bad = integrity.verifyNow();
            assertThat(bad.ok()).isFalse();
            assertThat(bad.exitCode()).isEqualTo(1);
            assertThat(bad.output()).isEqualTo("FAIL: entry 2: hash does not match its contents");
        } finally {
            jdbc.update("update audit_entry set reason = ? where seq = 2", reason);
            jdbc.execute("alter table audit_entry enable trigger audit_entry_append_only");
        }
        assertThat(integrity.verifyNow().ok()).isTrue();
    }
}
