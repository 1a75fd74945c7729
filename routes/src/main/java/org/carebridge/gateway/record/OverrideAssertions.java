package org.carebridge.gateway.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.carebridge.gateway.storage.PayloadVault;
import org.carebridge.security.decision.SafeguardingOverride;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * A safeguarding override's assertion (who asserted it, in what role, and why) and its IG review note, sealed under the
 * record's data key: they are the practitioner's identity and free text about the child, so they end with the record.
 */
@Component
public class OverrideAssertions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PayloadVault vault;

    public OverrideAssertions(PayloadVault vault) {
        this.vault = vault;
    }

    public static String assertionPlace(UUID overrideId) {
        return "override_review/" + overrideId + "/assertion";
    }

    public static String notePlace(UUID overrideId) {
        return "override_review/" + overrideId + "/note";
    }

    /** Sealed with a new record's key, in the record's own transaction. */
    static byte[] seal(PayloadVault.RecordKey key, UUID overrideId, SafeguardingOverride override) {
        try {
            byte[] json = JSON.writeValueAsBytes(JSON.createObjectNode().put("assertedBy", override.assertedBy())
                    .put("role", override.role()).put("reason", override.reason()));
            return key.seal(json, assertionPlace(overrideId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an override assertion", e);
        }
    }

    /** The assertion, or empty once the record is erased (or for a row stored before assertions were sealed). */
    public Optional<SafeguardingOverride> open(UUID trackingId, UUID overrideId, byte[] sealed) {
        return vault.openUnderRecord(trackingId, sealed, assertionPlace(overrideId)).map(bytes -> {
            try {
                JsonNode node = JSON.readTree(bytes);
                return new SafeguardingOverride(node.path("assertedBy").asText(), node.path("role").asText(), node.path("reason").asText());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("a sealed override assertion is not readable", e);
            }
        });
    }

    /** The review note sealed under the record's key; empty if the record is already erased. */
    public Optional<byte[]> sealNote(UUID trackingId, UUID overrideId, String note) {
        return vault.sealUnderRecord(trackingId, note.getBytes(StandardCharsets.UTF_8), notePlace(overrideId));
    }

    public Optional<String> openNote(UUID trackingId, UUID overrideId, byte[] sealed) {
        return vault.openUnderRecord(trackingId, sealed, notePlace(overrideId)).map(b -> new String(b, StandardCharsets.UTF_8));
    }
}
