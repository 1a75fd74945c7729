package org.carebridge.gateway.record;

import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.CopyOrder;
import org.carebridge.security.partner.Partner;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The child a copy is about, as the broker may see it: the message group ({@code JMSXGroupID}) of copies to a partner
 * that needs per-child order. It is the SHA-256 of the child's subject key (HMAC-SHA256 under the gateway's audit
 * subject key, {@link SubjectKeys}) with the partner's id, so the broker's journal holds no identifier, and one child's
 * groups on two partners' queues do not match. The child is the record's first NHS number, otherwise its first
 * identifier of a known system (Patients in the order of the Bundle). Records about the same child under different
 * identifiers are in different groups; a record that identifies no child has no group and is sent in parallel.
 */
public final class ChildKeys {

    private ChildKeys() {
    }

    /** The child's identifier in the record, as above, or null. */
    public static SubjectIdentifier child(List<SubjectIdentifier> identifiers) {
        return identifiers.stream().filter(s -> SubjectIdentifier.NHS_NUMBER.equals(s.system())).findFirst()
                .orElse(identifiers.isEmpty() ? null : identifiers.get(0));
    }

    /** The copy's group for {@code recipient}, or null when the partner takes copies in any order or no child is known. */
    public static String groupOf(SubjectKeys keys, SubjectIdentifier child, Partner recipient) {
        if (child == null || recipient.copyOrder() != CopyOrder.PER_CHILD) {
            return null;
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha256.digest(("carebridge-delivery-order|" + recipient.id() + "|" + keys.keyOf(child))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
