package org.carebridge.gateway.admin;

/** Who did something, and under which of their roles (as the ledger records it: {@code operator}, {@code admin}). */
public record Actor(String name, String role) {
}
