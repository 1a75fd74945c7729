package org.carebridge.gateway.delivery;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partner-outage and poison-message faults at size, behind -Preliability. Sizes: -Dreliability.outage.records,
 * -Dreliability.outage.probes (how many 300 ms probes the outage lasts), -Dreliability.poison.records,
 * -Dreliability.poison.refused.
 */
@Tag("reliability")
class PartnerOutageReliabilityTest extends PartnerOutageScenarios {

    @Test
    void aPartnerAwayForALongOutage() throws Exception {
        int records = Integer.getInteger("reliability.outage.records", 300);
        int probes = Integer.getInteger("reliability.outage.probes", 200);
        OutageFigures figures = outage(records, probes, Duration.ofMinutes(5));
        assertThat(figures.deadLetteredDuringOutage()).isZero();
        assertThat(figures.survived()).isEqualTo(records);
        assertThat(figures.lost()).isZero();
        assertThat(figures.duplicated()).isZero();
    }

    @Test
    void poisonMessagesAmongMany() throws Exception {
        int records = Integer.getInteger("reliability.poison.records", 500);
        int refused = Integer.getInteger("reliability.poison.refused", records / 100);
        PoisonFigures figures = poison(records, refused);
        assertThat(figures.deadLettered()).isEqualTo(refused);
        assertThat(figures.deadLetteredWithReason()).isEqualTo(refused);
        assertThat(figures.delivered()).isEqualTo(records - refused);
        assertThat(figures.lost()).isZero();
        assertThat(figures.duplicated()).isZero();
    }
}
