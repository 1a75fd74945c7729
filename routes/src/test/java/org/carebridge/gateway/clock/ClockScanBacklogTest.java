package org.carebridge.gateway.clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A burst of breaches larger than the scanner's batch is alerted in one scan, and the scanner's lag is a metric. */
class ClockScanBacklogTest extends GatewayTest {

    @Autowired
    RecordClocks clocks;
    @Autowired
    DutyPartnerAlert alerts;
    @Autowired
    ClockMetrics clockMetrics;
    @Autowired
    ClockRules rules;
    @Autowired
    Clock clock;
    @Autowired
    MeterRegistry meters;

    @Test
    void moreAlertsDueThanOneBatchAreAllSentInOneScan() throws Exception {
        List<UUID> late = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            late.add(sendLatePlacement());
        }
        for (UUID trackingId : late) {
            await().atMost(Duration.ofSeconds(30)).until(() -> clocks.find(trackingId).orElseThrow().breachedAt() != null);
        }
        ClockScanner batchOfOne = new ClockScanner(clocks, alerts, clockMetrics, rules, clock, new ClockProperties(Duration.ofHours(1), 1));

        ClockScanner.Scan scan = batchOfOne.scan(Instant.now());

        assertThat(scan.alerted()).isGreaterThanOrEqualTo(late.size());
        for (UUID trackingId : late) {
            assertThat(clocks.find(trackingId).orElseThrow().alertTrackingId()).as("alert for %s", trackingId).isNotNull();
        }
        // the deadlines passed days ago: the alerts were raised that late
        assertThat(meters.get("carebridge.clocks.scan.lag").gauge().value()).isGreaterThan(Duration.ofDays(1).toSeconds());
    }

    /** An emergency placement notified 20 days after it began: its clock breaches as it starts. */
    private UUID sendLatePlacement() throws Exception {
        Instant start = Instant.now().minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);
        ObjectNode bundle = (ObjectNode) json(Examples.placementNotification(Examples.newMessageId()));
        for (JsonNode entry : bundle.path("entry")) {
            if (entry.path("resource").path("resourceType").asText().equals("EpisodeOfCare")) {
                ObjectNode episode = (ObjectNode) entry.path("resource");
                ObjectNode type = episode.putArray("type").addObject();
                ObjectNode coding = type.putArray("coding").addObject();
                coding.put("system", ClockTest.PLACEMENT_TYPE);
                coding.put("code", "emergency");
                episode.putObject("period").put("start", start.toString());
            }
        }
        HttpResponse<String> response = as("cs-suffolk").processMessage(JSON.writeValueAsBytes(bundle));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return UUID.fromString(response.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow());
    }
}
