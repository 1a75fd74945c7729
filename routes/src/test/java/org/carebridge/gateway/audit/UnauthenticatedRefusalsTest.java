package org.carebridge.gateway.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refusals before authentication are counted, and tallied into one ledger entry per source address and interval; a
 * known partner's refusals stay one entry each.
 */
class UnauthenticatedRefusalsTest extends GatewayTest {

    private static final Pattern TALLY = Pattern.compile("(\\d+) refusals from (\\S+) between (\\S+) and (\\S+): (\\S+)");

    @Autowired
    UnauthenticatedRefusals refusals;

    @Autowired
    MeterRegistry meters;

    @Test
    void aThousandRequestsWithoutACertificateAddOneLedgerEntry() throws Exception {
        refusals.flush();
        long entriesBefore = unauthenticatedEntries();
        double countedBefore = counted("no-client-certificate");
        PartnerClient anonymous = PartnerClient.anonymous(PKI.caCertificate(), baseUrl());
        byte[] body = Examples.bytes(Examples.placementNotification(Examples.newMessageId()));

        for (int i = 0; i < 1000; i++) {
            HttpResponse<String> refused = anonymous.processMessage(body);
            assertThat(refused.statusCode()).isEqualTo(401);
        }

        assertThat(counted("no-client-certificate") - countedBefore).isEqualTo(1000);
        assertThat(unauthenticatedEntries()).as("nothing written before the interval ends").isEqualTo(entriesBefore);
        refusals.flush();
        List<String> added = unauthenticatedReasonsAfter(entriesBefore);
        assertThat(added).singleElement().satisfies(reason -> {
            Matcher tally = TALLY.matcher(reason);
            assertThat(tally.matches()).as(reason).isTrue();
            assertThat(tally.group(1)).isEqualTo("1000");
            assertThat(tally.group(2)).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
            assertThat(tally.group(3).compareTo(tally.group(4))).isLessThanOrEqualTo(0);
            assertThat(tally.group(5)).isEqualTo("no-client-certificate");
        });
    }

    @Test
    void failedIgSignInsAreTalliedAndAKnownPartnersRefusalsStayIndividual() throws Exception {
        refusals.flush();
        long entriesBefore = unauthenticatedEntries();
        long partnerBefore = partnerNotIgEntries();
        PartnerClient partner = as("cs-suffolk");
        String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("no-such-user:wrong".getBytes());
        for (int i = 0; i < 3; i++) {
            assertThat(PartnerClient.anonymous(PKI.caCertificate(), baseUrl()).get("/ig/AuditEvent", Map.of("Authorization", wrong))
                    .statusCode()).isEqualTo(401);
            assertThat(partner.get("/ig/AuditEvent").statusCode()).isEqualTo(403);
        }
        refusals.flush();

        assertThat(unauthenticatedReasonsAfter(entriesBefore)).singleElement()
                .satisfies(reason -> assertThat(reason).startsWith("3 refusals from ").endsWith(": ig-sign-in-failed"));
        assertThat(partnerNotIgEntries()).isEqualTo(partnerBefore + 3);
    }

    private double counted(String reason) {
        Counter counter = meters.find("carebridge.refusals.unauthenticated").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private long unauthenticatedEntries() {
        return jdbc.queryForObject("""
                select (select count(*) from audit_outbox where kind = 'REFUSED' and actor_role = 'unauthenticated')
                     + (select count(*) from audit_entry where kind = 'REFUSED' and actor_role = 'unauthenticated')""", Long.class);
    }

    private long partnerNotIgEntries() {
        return jdbc.queryForObject("""
                select (select count(*) from audit_outbox where kind = 'REFUSED' and actor = 'cs-suffolk' and reason = 'partner-not-ig')
                     + (select count(*) from audit_entry where kind = 'REFUSED' and actor = 'cs-suffolk' and reason = 'partner-not-ig')""",
                Long.class);
    }

    /** The reasons of the unauthenticated REFUSED facts after the first {@code skip}, oldest first. */
    private List<String> unauthenticatedReasonsAfter(long skip) {
        return jdbc.queryForList("""
                select reason from (select reason, 0 as place, seq as n from audit_entry
                                    where kind = 'REFUSED' and actor_role = 'unauthenticated'
                                    union all
                                    select reason, 1, id from audit_outbox
                                    where kind = 'REFUSED' and actor_role = 'unauthenticated') f
                order by place, n offset ?""", String.class, skip);
    }
}
