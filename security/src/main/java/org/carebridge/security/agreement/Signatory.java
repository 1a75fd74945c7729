package org.carebridge.security.agreement;

import java.time.LocalDate;

/** Who signed an agreement, for which party, and when. */
public record Signatory(String name, String role, String organisation, LocalDate signed) {
}
