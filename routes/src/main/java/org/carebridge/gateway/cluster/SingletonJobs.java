package org.carebridge.gateway.cluster;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * The jobs that run on one node at a time, all under one lease ({@code carebridge.cluster.namespace}): each is a
 * {@code master:} route whose timer or schedule runs only on the node that leads, calling the same bean method the
 * job always had. The jobs also guard themselves in the database (an advisory lock for the ledger chain, rows claimed
 * with skip locked for erasure, re-wrapping and sealing, the month's message id for the report), so a short overlap
 * during failover does no harm. The clock scanner is not here: it claims due clocks with skip locked, so every node
 * scans and a survivor keeps clocks running without waiting for a lease.
 */
@Component
public class SingletonJobs extends RouteBuilder {

    private final String namespace;
    private final Duration writeInterval;
    private final Duration checkpointInterval;
    private final Duration eraseInterval;
    private final String monthlyCron;

    public SingletonJobs(@Value("${carebridge.cluster.namespace:carebridge-singletons}") String namespace,
                         @Value("${carebridge.audit.write-interval:200ms}") Duration writeInterval,
                         @Value("${carebridge.audit.checkpoint-interval:60s}") Duration checkpointInterval,
                         @Value("${carebridge.storage.erase-interval}") Duration eraseInterval,
                         @Value("${carebridge.report.monthly-cron}") String monthlyCron) {
        this.namespace = namespace;
        this.writeInterval = writeInterval;
        this.checkpointInterval = checkpointInterval;
        this.eraseInterval = eraseInterval;
        this.monthlyCron = monthlyCron;
    }

    @Override
    public void configure() {
        every("ledger-chain", Duration.ZERO, writeInterval).bean("ledgerWriter", "chainPending");
        every("ledger-checkpoint", checkpointInterval, checkpointInterval).bean("ledgerWriter", "checkpointIfGrown");
        every("retention-erasure", eraseInterval, eraseInterval).bean("retentionEraser", "eraseDue()");
        every("kek-rewrap", eraseInterval, eraseInterval).bean("kekRotation", "rewrapOlder");
        every("legacy-sealing", eraseInterval, eraseInterval).bean("legacyPayloadSealer", "sealLegacy");
        from("master:" + namespace + ":scheduler:monthly-report?scheduler=spring&scheduler.timeZone=Europe/London"
                + "&scheduler.cron=RAW(" + monthlyCron + ")")
                .routeId("singleton-monthly-report")
                .bean("monthlyReportSchedule", "sendPreviousMonth");
    }

    private RouteDefinition every(String job, Duration delay, Duration period) {
        return from("master:" + namespace + ":timer:" + job + "?delay=" + Math.max(1, delay.toMillis())
                + "&period=" + period.toMillis())
                .routeId("singleton-" + job);
    }
}
