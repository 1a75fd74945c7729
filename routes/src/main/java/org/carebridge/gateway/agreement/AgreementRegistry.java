package org.carebridge.gateway.agreement;

import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.AgreementLoader;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.config.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The agreements, reloaded when their folder changes; at start and each reload the log says where each stands (in
 * force, expired since when, not yet in force, review overdue). A set that fails validation is refused as a whole and
 * the previous one stays in force, so a bad edit never half-applies; at start a bad set stops the gateway. Agreements
 * approved in the console ({@link ApprovedAgreements}) join the folder's files as one set; every node sees an approval
 * at its next check.
 */
public class AgreementRegistry {

    private static final Logger log = LoggerFactory.getLogger(AgreementRegistry.class);
    private static final ZoneId ENGLAND = ZoneId.of("Europe/London");

    private final AgreementLoader loader;
    private final Path folder;
    private final MeterRegistry meters;
    private final AtomicReference<AgreementSet> current = new AtomicReference<>();
    private volatile String fingerprint;

    private final AuditTrail audit;

    private final Clock clock;
    private final ApprovedAgreements approved;

    public AgreementRegistry(AgreementLoader loader, Path folder, MeterRegistry meters, AuditTrail audit) {
        this(loader, folder, meters, audit, Clock.systemUTC());
    }

    public AgreementRegistry(AgreementLoader loader, Path folder, MeterRegistry meters, AuditTrail audit, Clock clock) {
        this(loader, folder, meters, audit, clock, ApprovedAgreements.NONE);
    }

    public AgreementRegistry(AgreementLoader loader, Path folder, MeterRegistry meters, AuditTrail audit, Clock clock,
                             ApprovedAgreements approved) {
        this.audit = audit;
        this.loader = loader;
        this.folder = folder;
        this.meters = meters;
        this.clock = clock;
        this.approved = approved;
        this.fingerprint = fingerprint();
        current.set(loader.load(folder, approved.texts()));
        log.info("Agreements loaded: {}", describe(current.get()));
        logStandings();
    }

    public AgreementSet current() {
        return current.get();
    }

    /** Today in England, by this registry's clock. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ENGLAND);
    }

    /**
     * The set as it would be with one more text (a draft), checked exactly as a reload checks it.
     *
     * @throws ConfigurationException with file and line for each problem
     */
    public AgreementSet trial(AgreementLoader.Text draft) {
        loader.read(draft.name(), draft.yaml());
        List<AgreementLoader.Text> texts = new java.util.ArrayList<>(approved.texts());
        texts.add(draft);
        return loader.load(folder, texts);
    }

    /** Where each loaded agreement stands today (in England). */
    public List<AgreementStanding> standings() {
        LocalDate today = today();
        return current.get().agreements().stream().map(a -> AgreementStanding.on(a, today)).toList();
    }

    private void logStandings() {
        for (AgreementStanding standing : standings()) {
            if (standing.state() == AgreementStanding.State.IN_FORCE && !standing.reviewOverdue()) {
                log.info("Agreement {}", standing.sentence());
            } else {
                log.warn("Agreement {}", standing.sentence());
            }
        }
    }

    public void reloadIfChanged() {
        String now = fingerprint();
        if (!now.equals(fingerprint)) {
            reload();
            fingerprint = now;
        }
    }

    /** @return true when the new set was applied */
    public boolean reload() {
        try {
            AgreementSet loaded = loader.load(folder, approved.texts());
            current.set(loaded);
            meters.counter("carebridge.agreements.reloaded", "outcome", "applied").increment();
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, "config", "agreements").outcome("applied", describe(loaded)));
            log.info("Agreements reloaded: {}", describe(loaded));
            logStandings();
            return true;
        } catch (ConfigurationException e) {
            meters.counter("carebridge.agreements.reloaded", "outcome", "refused").increment();
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, "config", "agreements").outcome("refused", "validation failed"));
            log.error("Agreements not reloaded; the previous set stays in force. {}", e.getMessage());
            return false;
        }
    }

    private static String describe(AgreementSet set) {
        return set.agreements().stream().map(a -> a.id() + " v" + a.version()).collect(Collectors.joining(", "));
    }

    private String fingerprint() {
        return files() + "|" + approved.fingerprint();
    }

    private String files() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().map(p -> {
                try {
                    return p.getFileName() + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    return p.getFileName() + ":?";
                }
            }).collect(Collectors.joining("|"));
        } catch (IOException e) {
            return "unreadable";
        }
    }

    static String label(Agreement agreement) {
        return agreement.id() + " v" + agreement.version();
    }
}
