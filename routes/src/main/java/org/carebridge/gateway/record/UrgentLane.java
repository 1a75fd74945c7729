package org.carebridge.gateway.record;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which records travel in the urgent lane: those whose clock was started by one of the configured rules (by default
 * the Golden Hour custody notification, a missing episode and an urgent MASH referral). Their copies are handed to the
 * broker before bulk copies and carry a higher JMS priority, so they are not queued behind a backlog.
 */
@Component
public class UrgentLane {

    private final Set<String> rules;

    public UrgentLane(@Value("${carebridge.urgent-lane.rules:golden-hour,missing-immediate,mash-urgent-immediate}") List<String> rules) {
        this.rules = Set.copyOf(rules);
    }

    public boolean urgent(Optional<? extends RecordDeadlines.Started> clock) {
        return clock.map(c -> rules.contains(c.ruleId())).orElse(false);
    }

    public String[] rules() {
        return rules.toArray(String[]::new);
    }
}
