package org.carebridge.security.agreement;

import java.util.ArrayList;
import java.util.List;

/**
 * The lawful basis an agreement records: the UK GDPR Article 6 condition; the Article 9 condition where special-category
 * data is shared; the DPA 2018 Schedule 1 condition, or the Part 3 basis for law-enforcement processing.
 */
public record LawfulBasis(String article6, String article9, String dpa2018) {

    /** One line for a decision record and a report. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        if (article6 != null) {
            parts.add("UK GDPR " + article6);
        }
        if (article9 != null) {
            parts.add(article9);
        }
        if (dpa2018 != null) {
            parts.add("DPA 2018 " + dpa2018);
        }
        return String.join("; ", parts);
    }
}
