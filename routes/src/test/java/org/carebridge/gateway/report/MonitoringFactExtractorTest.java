package org.carebridge.gateway.report;

import org.carebridge.gateway.report.MonitoringMessages.Child;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MonitoringFactExtractorTest {

    private static final Instant RECEIVED = Instant.parse("2024-03-02T09:00:00Z");
    private final MonitoringFactExtractor extractor = new MonitoringFactExtractor();

    @Test
    void aCustodyNotificationIsOnePoliceContactInTheMonthOfDetentionWithTheAgeAtThatTime() {
        // Born 16 Feb 2008: 15 when detained on 15 Feb 2024 (16 the next day, 18 by the time anyone reads the report).
        Child child = new Child("female", "2008-02-16", "N", MonitoringMessages.SUFFOLK, MonitoringMessages.NORFOLK, "NCH-0001");
        Bundle bundle = MonitoringMessages.contact("custody-notification", "police-norfolk", child, "2024-02-15T22:10:00+00:00");

        List<MonitoringFact> facts = extractor.extract("custody-notification", bundle, RECEIVED);

        assertThat(facts).containsExactly(new MonitoringFact(YearMonth.of(2024, 2), Measure.CUSTODY_NOTIFICATION,
                "E10000020", "E10000029", "NCH-0001", "14-15", "female", "black"));
    }

    @Test
    void theMonthIsEnglandsMonthNotUtcs() {
        // 00:30 on 1 March in UTC+1 is 23:30 on 29 February in London (GMT): February.
        Child child = new Child("male", "2010-05-01", "A", MonitoringMessages.NORFOLK, MonitoringMessages.NORFOLK, "NCH-0001");
        Bundle bundle = MonitoringMessages.contact("missing-episode", "cs-norfolk", child, "2024-03-01T00:30:00+01:00");
        assertThat(extractor.extract("missing-episode", bundle, RECEIVED)).singleElement()
                .satisfies(f -> {
                    assertThat(f.month()).isEqualTo(YearMonth.of(2024, 2));
                    assertThat(f.measure()).isEqualTo(Measure.MISSING_EPISODE);
                    assertThat(f.ageBand()).isEqualTo("10-13");
                    assertThat(f.ethnicGroup()).isEqualTo("white");
                });
    }

    @Test
    void eachPoliceOutcomeObservationIsOneOutcome() {
        Child child = new Child("male", "2007-06-01", "D", MonitoringMessages.SUFFOLK, MonitoringMessages.SUFFOLK, "SCH-0002");
        Bundle bundle = MonitoringMessages.outcomes("yjs-norfolk", child, "2024-02-20T10:00:00+00:00", "outcome-22", "no-further-action", "not-a-police-outcome");

        List<MonitoringFact> facts = extractor.extract("diversion-panel-outcome", bundle, RECEIVED);

        assertThat(facts).extracting(MonitoringFact::measure).containsExactly(Measure.OUTCOME_22, Measure.NO_FURTHER_ACTION);
        assertThat(facts).allSatisfy(f -> {
            assertThat(f.ageBand()).isEqualTo("16-17");
            assertThat(f.ethnicGroup()).isEqualTo("mixed");
            assertThat(f.area()).isEqualTo("E10000029");
            assertThat(f.childrensHome()).isEqualTo("SCH-0002");
        });
    }

    @Test
    void whatAMessageDoesNotSayIsUnknownNeverGuessed() {
        Child child = new Child("unknown", "2011", null, "not-a-code", "E10000020", null);
        Bundle bundle = MonitoringMessages.contact("custody-notification", "police-norfolk", child, "2024-02-03T01:00:00Z");
        Patient patient = (Patient) bundle.getEntry().get(1).getResource();
        patient.setBirthDate(null);

        assertThat(extractor.extract("custody-notification", bundle, RECEIVED)).containsExactly(new MonitoringFact(YearMonth.of(2024, 2),
                Measure.CUSTODY_NOTIFICATION, "E10000020", "unknown", "none-recorded", "unknown", "unknown", "not-stated"));
    }

    @Test
    void everyEthnicCategoryFallsInItsTopLevelGroup() {
        assertThat(Arrays.stream("A B C".split(" ")).map(EthnicGroups::of)).containsOnly("white");
        assertThat(Arrays.stream("D E F G".split(" ")).map(EthnicGroups::of)).containsOnly("mixed");
        assertThat(Arrays.stream("H J K L".split(" ")).map(EthnicGroups::of)).containsOnly("asian");
        assertThat(Arrays.stream("M N P".split(" ")).map(EthnicGroups::of)).containsOnly("black");
        assertThat(Arrays.stream("R S".split(" ")).map(EthnicGroups::of)).containsOnly("other");
        assertThat(Arrays.stream("Z 99 X".split(" ")).map(EthnicGroups::of)).containsOnly("not-stated");
    }

    @Test
    void otherFlowsGiveNoFactsAndAFactHasNoRoomForIdentity() {
        Child child = new Child("female", "2012-03-14", "A", MonitoringMessages.SUFFOLK, MonitoringMessages.NORFOLK, "NCH-0001");
        Bundle bundle = MonitoringMessages.contact("placement-notification", "cs-suffolk", child, "2024-02-03T01:00:00Z");
        assertThat(extractor.extract("placement-notification", bundle, RECEIVED)).isEmpty();
        assertThat(Arrays.stream(MonitoringFact.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactly("month", "measure", "area", "placingAuthority", "childrensHome", "ageBand", "sex", "ethnicGroup");
    }
}
