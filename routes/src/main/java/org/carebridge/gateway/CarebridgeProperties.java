package org.carebridge.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

@ConfigurationProperties("carebridge")
public record CarebridgeProperties(Path dataDir, Path configDir, Pki pki, Intake intake, Delivery delivery, DemoPartners demoPartners) {

    public record Pki(Path dir, boolean devGenerate, Path tlsCertificate, Path tlsKey, List<Path> trustAnchors) {
    }

    /**
     * @param maxBundleEntries entries a message Bundle may have, counted before it is parsed
     * @param partnerConcurrency requests one partner may have in progress on the partner port at once; more get 429
     * @param maxUndispatched stored copies not yet handed to the broker above which intake answers 503 (0: no limit)
     * @param bodyReadTimeout the longest a request body may take to arrive, however steadily it trickles
     */
    public record Intake(int maxBodyBytes, int maxJsonDepth, int maxBundleEntries, int partnerConcurrency, int maxUndispatched,
                         Duration bodyReadTimeout) {
    }

    public record Delivery(int concurrentConsumers, int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay,
                           Duration connectTimeout, Duration timeout, int dispatchBatch, Duration sweepAfter, Duration sweepInterval) {
    }

    public record DemoPartners(boolean enabled, int port, String baseUrl) {
    }
}
