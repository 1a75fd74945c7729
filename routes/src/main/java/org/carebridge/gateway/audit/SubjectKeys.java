package org.carebridge.gateway.audit;

import org.carebridge.security.consent.SubjectIdentifier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Subject identifiers as the ledger stores them: HMAC-SHA256 under a secret key, so that IG can look a child up by
 * identifier while the ledger itself holds no identifier in the clear.
 */
public class SubjectKeys {

    private final SecretKeySpec key;

    public SubjectKeys(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the audit subject key must be at least 256 bits");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    public String keyOf(SubjectIdentifier subject) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal((subject.system() + "|" + subject.value()).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public List<String> keysOf(Collection<SubjectIdentifier> subjects) {
        return subjects.stream().map(this::keyOf).distinct().toList();
    }
}
