package org.carebridge.security.decision;

/** A sender's assertion that a share without consent protects a child: who asserts it, in what role, and why. */
public record SafeguardingOverride(String assertedBy, String role, String reason) {
}
