package org.carebridge.gateway.decision;

import org.carebridge.security.decision.Decision;
import org.carebridge.security.decision.DecisionEngine;
import org.carebridge.security.decision.MessageFacts;
import org.carebridge.security.fhir.FhirJsonTree;
import org.carebridge.security.fhir.MessageAreas;
import org.carebridge.security.fhir.MessageSubjects;
import org.carebridge.security.minimisation.CopyMinimiser;
import org.carebridge.security.minimisation.FieldProfile;
import org.carebridge.security.minimisation.FieldProfiles;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decides every candidate recipient under the agreements and consent, and minimises a copy for each one that may have it. */
@Component("disclosureDecider")
public class DisclosureDecider {

    private final DecisionEngine engine;
    private final FieldProfiles profiles;
    private final CopyMinimiser minimiser;

    public DisclosureDecider(DecisionEngine engine, FieldProfiles profiles, CopyMinimiser minimiser) {
        this.engine = engine;
        this.profiles = profiles;
        this.minimiser = minimiser;
    }

    public RoutedMessage decide(IncomingMessage message) {
        MessageFacts facts = new MessageFacts(message.event(), message.sender(),
                MessageAreas.responsibleArea(message.bundle()).orElse(message.sender().area()),
                MessageAreas.receivingArea(message.bundle()).orElse(null),
                message.bundle(), MessageSubjects.identifiers(message.bundle()), message.override(), message.receivedAt());
        List<Decision> decisions = engine.decide(facts);
        Map<String, byte[]> copies = new LinkedHashMap<>();
        for (Decision decision : decisions) {
            if (decision.shares()) {
                FieldProfile profile = profiles.get(decision.profile()).orElseThrow();
                copies.put(decision.recipient().id(), message.json() != null
                        ? FhirJsonTree.write(minimiser.minimise(message.json(), profile))
                        : minimiser.minimise(message.body(), profile));
            }
        }
        return new RoutedMessage(message, decisions, copies);
    }
}
