package org.carebridge.gateway.clock;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.config.SchemaCheck;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real config/clocks.yaml: which rule sets each flow's clock, from which time in the message, to which deadline. */
class ClockRulesTest {

    static final Path CONFIG = Path.of("..", "config");
    static final String PLACEMENT_TYPE = "https://carebridge.example.org/fhir/CodeSystem/placement-type";
    static final Set<String> EVENTS = Set.of("placement-notification", "custody-notification", "return-home-interview",
            "out-of-area-justice-contact", "missing-episode", "mash-referral", "clock-breach-alert", "education-update");
    static final Set<String> PARTNERS = Set.of("cs-norfolk", "cs-suffolk");
    static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00Z");

    final FhirContext fhir = FhirContext.forR4Cached();
    final ClockRules rules = load(CONFIG.resolve("clocks.yaml"));

    ClockRules load(Path file) {
        return ClockRules.load(file, new SchemaCheck(CONFIG.resolve("schema/clocks.schema.json")), EVENTS, PARTNERS, fhir);
    }

    @Test
    void anEmergencyPlacementIsDueByTheEndOfTheFifthWorkingDayAfterItStarts() {
        ClockPlan plan = rules.plan("placement-notification", placement("emergency", "2026-12-24T17:00:00+00:00"), RECEIVED).orElseThrow();

        assertThat(plan.ruleId()).isEqualTo("emergency-placement");
        assertThat(plan.startSource()).isEqualTo(ClockPlan.FROM_MESSAGE);
        assertThat(plan.startedAt()).isEqualTo(Instant.parse("2026-12-24T17:00:00Z"));
        assertThat(plan.deadline()).isEqualTo(Instant.parse("2027-01-06T00:00:00Z"));
        assertThat(plan.warnAt()).isEqualTo(Instant.parse("2027-01-05T00:00:00Z"));
        assertThat(plan.dutyPartner()).isEqualTo("cs-norfolk");
    }

    @Test
    void aPlannedPlacementIsDueWhenItStartsAndWarnsTheDayBefore() {
        ClockPlan plan = rules.plan("placement-notification", placement("planned", "2026-12-01T09:00:00+00:00"), RECEIVED).orElseThrow();

        assertThat(plan.ruleId()).isEqualTo("planned-placement");
        assertThat(plan.deadline()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(plan.warnAt()).isEqualTo(Instant.parse("2026-11-30T09:00:00Z"));
    }

    @Test
    void aPlacementOfUnstatedTypeGetsTheEmergencyLimitUnderItsOwnRuleAndADateAloneIsLondonMidnight() {
        ClockPlan plan = rules.plan("placement-notification", placement(null, "2026-07-02"), RECEIVED).orElseThrow();

        assertThat(plan.ruleId()).isEqualTo("placement-type-not-given");
        assertThat(plan.startedAt()).isEqualTo(Instant.parse("2026-07-01T23:00:00Z"));
        assertThat(plan.deadline()).isEqualTo(Instant.parse("2026-07-09T23:00:00Z"));
        assertThat(plan.dutyPartner()).isNull();
    }

    @Test
    void withNoStartInTheMessageTheClockStartsAtArrivalAndSaysSo() {
        ClockPlan plan = rules.plan("placement-notification", placement("emergency", null), RECEIVED).orElseThrow();

        assertThat(plan.startSource()).isEqualTo(ClockPlan.FROM_ARRIVAL);
        assertThat(plan.startedAt()).isEqualTo(RECEIVED);
        assertThat(plan.deadline()).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
    }

    @Test
    void theGoldenHourRunsSixtyMinutesFromDetentionNotFromArrival() {
        Bundle custody = message("custody-notification", encounter("2026-11-20T22:10:00+00:00", null));

        ClockPlan plan = rules.plan("custody-notification", custody, RECEIVED).orElseThrow();

        assertThat(plan.ruleId()).isEqualTo("golden-hour");
        assertThat(plan.startedAt()).isEqualTo(Instant.parse("2026-11-20T22:10:00Z"));
        assertThat(plan.deadline()).isEqualTo(Instant.parse("2026-11-20T23:10:00Z"));
        assertThat(plan.warnAt()).isEqualTo(Instant.parse("2026-11-20T22:55:00Z"));
    }

    @Test
    void theReturnHomeInterviewIsDue72ElapsedHoursAfterTheReturnAcrossTheClockChange() {
        Bundle interview = message("return-home-interview", encounter("2026-10-22T20:00:00+01:00", "2026-10-23T18:00:00+01:00"));

        ClockPlan plan = rules.plan("return-home-interview", interview, RECEIVED).orElseThrow();

        assertThat(plan.startedAt()).isEqualTo(Instant.parse("2026-10-23T17:00:00Z"));
        assertThat(plan.deadline()).isEqualTo(Instant.parse("2026-10-26T17:00:00Z"));
    }

    @Test
    void anOutOfAreaContactOnAFridayEveningIsDueByTheEndOfMonday() {
        Bundle contact = message("out-of-area-justice-contact", encounter("2026-12-18T21:00:00+00:00", null));

        ClockPlan plan = rules.plan("out-of-area-justice-contact", contact, RECEIVED).orElseThrow();

        assertThat(plan.deadline()).isEqualTo(Instant.parse("2026-12-22T00:00:00Z"));
        assertThat(plan.warnAt()).isEqualTo(Instant.parse("2026-12-21T20:00:00Z"));
    }

    @Test
    void immediateFlowsRunFromArrivalAndOnlyUrgentMashReferralsHaveAClock() {
        ClockPlan missing = rules.plan("missing-episode", message("missing-episode", encounter("2026-11-22T08:00:00+00:00", null)),
                RECEIVED).orElseThrow();
        assertThat(missing.startSource()).isEqualTo(ClockPlan.FROM_ARRIVAL);
        assertThat(missing.deadline()).isEqualTo(RECEIVED.plusSeconds(3600));

        ServiceRequest urgent = new ServiceRequest();
        urgent.setPriority(ServiceRequest.ServiceRequestPriority.URGENT);
        assertThat(rules.plan("mash-referral", message("mash-referral", urgent), RECEIVED)).get()
                .extracting(ClockPlan::ruleId).isEqualTo("mash-urgent-immediate");
        ServiceRequest routine = new ServiceRequest();
        routine.setPriority(ServiceRequest.ServiceRequestPriority.ROUTINE);
        assertThat(rules.plan("mash-referral", message("mash-referral", routine), RECEIVED)).isEmpty();
        assertThat(rules.plan("education-update", message("education-update", routine), RECEIVED)).isEmpty();
    }

    @Test
    void aBadRulesFileIsRefusedWithEveryProblemAndItsLine(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("calendar"));
        Files.copy(CONFIG.resolve("calendar/bank-holidays-england-and-wales.json"), dir.resolve("calendar/bank-holidays-england-and-wales.json"));
        Path file = Files.writeString(dir.resolve("clocks.yaml"), """
                calendar: calendar/bank-holidays-england-and-wales.json
                rules:
                  - id: one
                    event: no-such-event
                    description: x
                    start: Bundle.entry.resource.ofType(Encounter).period.start
                    deadline: { within: PT1H }
                    warnBefore: PT10M
                  - id: two
                    event: clock-breach-alert
                    description: x
                    when: "Bundle.entry.(("
                    start: received
                    deadline: { workingDays: 1 }
                    warnBefore: PT10M
                    notify: nobody-known
                """);

        assertThatThrownBy(() -> load(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("line 4: rule 'one': event 'no-such-event'")
                .hasMessageContaining("a clock-breach-alert cannot have a clock")
                .hasMessageContaining("line 12: rule 'two': not valid FHIRPath")
                .hasMessageContaining("partner 'nobody-known' is not in the partner registry");

        Files.writeString(file, """
                calendar: calendar/bank-holidays-england-and-wales.json
                rules:
                  - id: three
                    event: missing-episode
                    description: x
                    start: received
                    deadline: { within: PT1H, workingDays: 2 }
                    warnBefore: 10 minutes
                """);
        assertThatThrownBy(() -> load(file)).isInstanceOf(ConfigurationException.class).hasMessageContaining("clocks.schema.json");
    }

    @Test
    void aRuleWhoseConditionCannotBeEvaluatedStartsTheStrictestClockThatCouldApply(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("calendar"));
        Files.copy(CONFIG.resolve("calendar/bank-holidays-england-and-wales.json"), dir.resolve("calendar/bank-holidays-england-and-wales.json"));
        // single() on a message of two resources throws when evaluated; the rules after it could apply as well.
        Path file = Files.writeString(dir.resolve("clocks.yaml"), """
                calendar: calendar/bank-holidays-england-and-wales.json
                rules:
                  - id: not-this-one
                    event: missing-episode
                    description: x
                    when: "false"
                    start: received
                    deadline: { within: PT10M }
                    warnBefore: PT1M
                  - id: breaks
                    event: missing-episode
                    description: x
                    when: "Bundle.entry.resource.single().exists()"
                    start: received
                    deadline: { within: PT4H }
                    warnBefore: PT10M
                  - id: strictest-after
                    event: missing-episode
                    description: x
                    when: "false"
                    start: received
                    deadline: { within: PT2H }
                    warnBefore: PT10M
                    notify: cs-norfolk
                  - id: lenient-after
                    event: missing-episode
                    description: x
                    start: received
                    deadline: { workingDays: 5 }
                    warnBefore: PT10M
                  - id: other-event
                    event: custody-notification
                    description: x
                    start: received
                    deadline: { within: PT1M }
                    warnBefore: PT1M
                """);
        ClockRules failing = load(file);

        ClockPlan plan = failing.plan("missing-episode", message("missing-episode", encounter("2026-11-22T08:00:00+00:00", null)),
                RECEIVED).orElseThrow();

        assertThat(plan.startSource()).isEqualTo(ClockPlan.FAIL_SAFE);
        assertThat(plan.ruleId()).isEqualTo("strictest-after");
        assertThat(plan.startedAt()).isEqualTo(RECEIVED);
        assertThat(plan.deadline()).isEqualTo(RECEIVED.plusSeconds(7200));
        assertThat(plan.dutyPartner()).isEqualTo("cs-norfolk");

        // A message the condition can be evaluated on (one resource to single out) is planned as usual.
        Bundle one = new Bundle();
        one.addEntry().setResource(new MessageHeader());
        assertThat(failing.plan("missing-episode", one, RECEIVED)).get().extracting(ClockPlan::ruleId, ClockPlan::startSource)
                .containsExactly("lenient-after", ClockPlan.FROM_ARRIVAL);
    }

    @Test
    void theClockRuleCodeSystemHasEveryRuleAndNoOther() throws Exception {
        org.hl7.fhir.r4.model.CodeSystem codes = fhir.newJsonParser().parseResource(org.hl7.fhir.r4.model.CodeSystem.class,
                Files.readString(CONFIG.resolve("fhir/CodeSystem-clock-rule.json")));

        assertThat(codes.getUrl()).isEqualTo(DutyPartnerAlert.CLOCK_RULE_SYSTEM);
        assertThat(codes.getConcept()).extracting(c -> c.getCode())
                .containsExactlyInAnyOrderElementsOf(rules.rules().stream().map(ClockRule::id).toList());
    }

    private Bundle placement(String type, String start) {
        EpisodeOfCare episode = new EpisodeOfCare();
        episode.setStatus(EpisodeOfCare.EpisodeOfCareStatus.ACTIVE);
        CodeableConcept concept = new CodeableConcept().setText("Looked-after child placement");
        if (type != null) {
            concept.addCoding(new Coding(PLACEMENT_TYPE, type, null));
        }
        episode.addType(concept);
        if (start != null) {
            episode.setPeriod(new Period().setStartElement(new DateTimeType(start)));
        }
        return message("placement-notification", episode);
    }

    private static Encounter encounter(String start, String end) {
        Encounter encounter = new Encounter();
        Period period = new Period().setStartElement(new DateTimeType(start));
        if (end != null) {
            period.setEndElement(new DateTimeType(end));
        }
        return encounter.setPeriod(period);
    }

    private static Bundle message(String event, Resource focus) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE);
        bundle.addEntry().setResource(new MessageHeader().setEvent(
                new Coding("https://carebridge.example.org/fhir/CodeSystem/carebridge-event", event, null)));
        bundle.addEntry().setResource(focus);
        return bundle;
    }
}
