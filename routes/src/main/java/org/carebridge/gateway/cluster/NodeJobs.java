package org.carebridge.gateway.cluster;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * The periodic jobs every node runs for itself, each a {@code timer:} route calling the bean method the job always
 * had. They are not singletons: each follows or tidies shared state guarded in the database (clocks claimed with skip
 * locked, the registry and agreements re-read, withdrawals keyed by override), or this node's own memory. The jobs
 * that must run on one node at a time are in {@link SingletonJobs}.
 */
@Component
public class NodeJobs extends RouteBuilder {

    private final ApplicationContext beans;
    private final Duration clockScan;
    private final Duration registryRefresh;
    private final Duration agreementReload;
    private final Duration inForceCheck;
    private final Duration certificateCheck;
    private final Duration mailboxExpiry;
    private final Duration withdrawalRetry;
    private final Duration signInLockout;
    private final Duration refusalInterval;
    private final Duration demoMailboxPoll;

    public NodeJobs(ApplicationContext beans,
                    @Value("${carebridge.clocks.scan-interval}") Duration clockScan,
                    @Value("${carebridge.registry.refresh}") Duration registryRefresh,
                    @Value("${carebridge.agreements.reload-interval:10s}") Duration agreementReload,
                    @Value("${carebridge.agreements.in-force-check:1h}") Duration inForceCheck,
                    @Value("${carebridge.sealing.certificate-check-interval:60s}") Duration certificateCheck,
                    @Value("${carebridge.mailbox.expiry-interval:10m}") Duration mailboxExpiry,
                    @Value("${carebridge.ig.withdrawal-retry:5m}") Duration withdrawalRetry,
                    @Value("${carebridge.ig.sign-in.lockout:15m}") Duration signInLockout,
                    @Value("${carebridge.audit.refusal-interval:60s}") Duration refusalInterval,
                    @Value("${carebridge.demo-partners.mailbox-poll:30s}") Duration demoMailboxPoll) {
        this.beans = beans;
        this.clockScan = clockScan;
        this.registryRefresh = registryRefresh;
        this.agreementReload = agreementReload;
        this.inForceCheck = inForceCheck;
        this.certificateCheck = certificateCheck;
        this.mailboxExpiry = mailboxExpiry;
        this.withdrawalRetry = withdrawalRetry;
        this.signInLockout = signInLockout;
        this.refusalInterval = refusalInterval;
        this.demoMailboxPoll = demoMailboxPoll;
    }

    @Override
    public void configure() {
        every("clock-scan", clockScan, clockScan, "clockScanner", "scheduledScan");
        every("registry-follow", registryRefresh, registryRefresh, "partnerRegistryFollower", "follow");
        every("agreement-reload", agreementReload, agreementReload, "agreementRegistry", "reloadIfChanged");
        every("agreement-in-force", inForceCheck, inForceCheck, "agreementDrafts", "noteComingIntoForce()");
        every("certificate-watch", certificateCheck, certificateCheck, "certificateWatch", "check");
        every("mailbox-expiry", mailboxExpiry, mailboxExpiry, "mailboxExpiry", "expireDue");
        every("copy-withdrawal-retry", withdrawalRetry, withdrawalRetry, "copyWithdrawal", "sendOutstanding");
        every("sign-in-forget", Duration.ZERO, signInLockout, "igSignInThrottle", "forgetQuiet");
        every("refusal-tally", refusalInterval, refusalInterval, "unauthenticatedRefusals", "flush");
        // only where the demo partners run: the one that takes its copies from its mailbox
        every("demo-mailbox-pull", demoMailboxPoll, demoMailboxPoll, "demoMailboxPuller", "scheduledPull");
    }

    private void every(String job, Duration delay, Duration period, String bean, String method) {
        if (!beans.containsBean(bean)) {
            return;
        }
        from("timer:" + job + "?delay=" + Math.max(1, delay.toMillis()) + "&period=" + Math.max(1, period.toMillis()))
                .routeId("job-" + job)
                .bean(bean, method);
    }
}
