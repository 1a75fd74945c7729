package org.carebridge.gateway.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Short versions of the partner-outage and poison-message faults (the long ones: PartnerOutageReliabilityTest). */
class PartnerOutageTest extends PartnerOutageScenarios {

    @Test
    void aPartnerAwayHoldsBackNoOneItsCopiesWaitWithoutUsingUpAttemptsAndDrainOnItsReturn() throws Exception {
        OutageFigures figures = outage(30, 10, Duration.ofSeconds(60));
        assertThat(figures.othersDelivered()).isPositive();
        // the circuit stopped the consumer: a few attempts, not every copy tried again and again
        assertThat(figures.triedDuringOutage()).isLessThan(figures.copiesToAway());
        assertThat(figures.deadLetteredDuringOutage()).isZero();
        assertThat(figures.survived()).isEqualTo(30);
        assertThat(figures.lost()).isZero();
        assertThat(figures.duplicated()).isZero();
        // the failed-deliveries counter counts copies, the attempts counter every attempt that failed
        assertThat(figures.failedAttempts()).isEqualTo((double) figures.triedDuringOutage());
        assertThat(figures.failedCopies()).isLessThanOrEqualTo(figures.failedAttempts()).isPositive();
    }

    @Test
    void copiesAPartnerRefusesAreDeadLetteredAtOnceWithTheirReasonAndNothingWaitsBehindThem() throws Exception {
        PoisonFigures figures = poison(40, 4);
        assertThat(figures.deadLettered()).isEqualTo(4);
        assertThat(figures.deadLetteredWithReason()).isEqualTo(4);
        assertThat(figures.poisonAttempts()).isEqualTo(4);
        assertThat(figures.delivered()).isEqualTo(36);
        assertThat(figures.lost()).isZero();
        assertThat(figures.duplicated()).isZero();
    }
}
