package org.carebridge.security.agreement;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The areas a rule's condition may compare, as FHIRPath environment variables: {@code %senderArea} (the sender's own
 * area), {@code %responsibleArea} (the responsible, placing authority named in the message, else the sender's area) and
 * {@code %receivingArea} (the placement address's area; empty when the message names no placement). For example
 * {@code %receivingArea != %responsibleArea} holds for a child placed out of area. {@code %recipient} is the id of the
 * partner the rule is being decided for, so that a message addressed to one partner reaches only that partner.
 */
public final class ConditionConstants {

    public static final String SENDER_AREA = "senderArea";
    public static final String RESPONSIBLE_AREA = "responsibleArea";
    public static final String RECEIVING_AREA = "receivingArea";
    public static final String RECIPIENT = "recipient";

    /** Ours, and the ones the FHIRPath specification itself defines. */
    private static final Set<String> KNOWN = Set.of(SENDER_AREA, RESPONSIBLE_AREA, RECEIVING_AREA, RECIPIENT,
            "resource", "rootResource", "context", "ucum", "sct", "loinc");
    private static final Pattern CONSTANT = Pattern.compile("%(`[^`]*`|'[^']*'|[A-Za-z_][A-Za-z0-9_-]*)");

    private ConditionConstants() {
    }

    /** The %names in a condition that are neither ours nor FHIRPath's; a typo would otherwise silently deny. */
    public static Set<String> unknownIn(String condition) {
        Set<String> unknown = new LinkedHashSet<>();
        // Leave string literals alone: a '%' inside quotes is text.
        String code = condition.replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''");
        Matcher m = CONSTANT.matcher(code);
        while (m.find()) {
            String name = m.group(1);
            if (!KNOWN.contains(name) && !name.startsWith("vs-") && !name.startsWith("ext-")) {
                unknown.add("%" + name);
            }
        }
        return unknown;
    }
}
