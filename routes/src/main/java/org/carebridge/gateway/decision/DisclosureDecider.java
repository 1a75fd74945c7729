package org.carebridge.gateway.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
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
        // One copy per profile: recipients under the same profile get the same content.
        Map<String, FieldProfile> byProfile = new LinkedHashMap<>();
        for (Decision decision : decisions) {
            if (decision.shares()) {
                byProfile.computeIfAbsent(decision.profile(), name -> profiles.get(name).orElseThrow());
            }
        }
        Map<String, byte[]> written = new HashMap<>();
        if (!byProfile.isEmpty()) {
            List<String> names = new ArrayList<>(byProfile.keySet());
            List<ObjectNode> minimised = minimiser.minimise(tree(message), new ArrayList<>(byProfile.values()));
            for (int i = 0; i < names.size(); i++) {
                written.put(names.get(i), FhirJsonTree.write(minimised.get(i)));
            }
        }
        Map<String, byte[]> copies = new LinkedHashMap<>();
        for (Decision decision : decisions) {
            if (decision.shares()) {
                byte[] copy = written.get(decision.profile());
                copies.put(decision.recipient().id(), copies.containsValue(copy) ? copy.clone() : copy);
            }
        }
        return new RoutedMessage(message, decisions, copies);
    }

    private static JsonNode tree(IncomingMessage message) {
        if (message.json() != null) {
            return message.json();
        }
        try {
            return FhirJsonTree.read(message.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot minimise a message that was not JSON", e);
        }
    }
}
