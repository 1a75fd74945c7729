package org.carebridge.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

@ConfigurationProperties("carebridge")
public record CarebridgeProperties(Path dataDir, Path configDir, Pki pki, Intake intake, Delivery delivery, DemoPartners demoPartners) {

    public record Pki(Path dir, boolean devGenerate, Path tlsCertificate, Path tlsKey, List<Path> trustAnchors) {
    }

    public record Intake(int maxBodyBytes, int maxJsonDepth) {
    }

    public record Delivery(int concurrentConsumers, int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay,
                           Duration connectTimeout, Duration timeout, int dispatchBatch, Duration sweepAfter, Duration sweepInterval) {
    }

    public record DemoPartners(boolean enabled, int port, String baseUrl) {
    }
}
