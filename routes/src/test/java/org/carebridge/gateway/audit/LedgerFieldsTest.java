package org.carebridge.gateway.audit;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerFieldsTest {

    @Test
    void controlCharactersBecomeSpacesAndLongValuesAreCut() {
        assertThat(LedgerFields.bounded("a\nb\tc\u0000d\u007fe")).isEqualTo("a b c d e");
        assertThat(LedgerFields.bounded("x".repeat(600))).hasSize(LedgerFields.MAX_LENGTH).endsWith("…");
        assertThat(LedgerFields.bounded("\r".repeat(600))).isEqualTo(" ".repeat(LedgerFields.MAX_LENGTH - 1) + "…");
        assertThat(LedgerFields.bounded("placement-notification é ✓")).isEqualTo("placement-notification é ✓");
        assertThat(LedgerFields.bounded(null)).isNull();
    }

    /** Every fact's fields pass through here on the record path: a clean code or id is returned as it is. */
    @Test
    void aCleanValueAllocatesNothing() {
        String value = "health-norfolk";
        assertThat(LedgerFields.bounded(value)).isSameAs(value);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            LedgerFields.bounded(value);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            LedgerFields.bounded(value);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // a regex per call (String.replaceAll) was several hundred bytes each: megabytes here
        assertThat(allocated).isLessThan(10_000);
    }
}
