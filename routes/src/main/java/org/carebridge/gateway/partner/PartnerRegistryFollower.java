package org.carebridge.gateway.partner;

import org.carebridge.security.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps this node's live registry the same as the table: every {@code carebridge.registry.refresh} it compares each
 * partner's version with the one it applied, and applies what another node changed (a new, edited or retired partner).
 * Its own changes are applied at once by the service that made them.
 */
@Component
public class PartnerRegistryFollower {

    private static final Logger log = LoggerFactory.getLogger(PartnerRegistryFollower.class);

    private final PartnerStore store;
    private final PartnerRegistry registry;
    private final Map<String, Long> applied = new ConcurrentHashMap<>();
    private final Set<Long> refused = ConcurrentHashMap.newKeySet();

    public PartnerRegistryFollower(PartnerStore store, PartnerRegistry registry, PartnerStore.Contents registryAtStart) {
        this.store = store;
        this.registry = registry;
        applied.putAll(registryAtStart.versions());
    }

    /** Applies one stored row to the live registry (a retired row removes the partner). */
    public synchronized void apply(PartnerStore.Row row) {
        Long seen = applied.get(row.partnerId());
        if (seen != null && seen >= row.version()) {
            return;
        }
        if (row.retired()) {
            registry.remove(row.partnerId());
        } else {
            registry.replace(store.parse(row), row.held());
        }
        applied.put(row.partnerId(), row.version());
    }

    public void follow() {
        Set<String> changed = new HashSet<>();
        store.versions().forEach((id, version) -> {
            Long seen = applied.get(id);
            if (seen == null || seen < version) {
                changed.add(id);
            }
        });
        for (String id : changed) {
            store.row(id).ifPresent(row -> {
                try {
                    apply(row);
                    log.info("Partner {} {} here after a change on another node", id, row.retired() ? "retired" : "updated");
                } catch (RuntimeException e) {
                    if (refused.add(row.version())) {
                        log.error("Partner {} version {} cannot be applied here; the partner stays as it was: {}", id,
                                row.version(), e.getMessage());
                    }
                }
            });
        }
    }
}
