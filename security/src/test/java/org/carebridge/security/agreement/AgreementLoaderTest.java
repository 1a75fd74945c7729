package org.carebridge.security.agreement;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.carebridge.security.RealConfig;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.partner.AgencyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

class AgreementLoaderTest {

    /** A small valid agreement; the bad-file tests each change one thing in it. */
    static final String VALID = """
            id: test-agreement
            version: 1
            title: Test agreement
            purpose: Testing the loader.
            purposeCode: testing
            parties:
              - kind: childrens-services
              - partner: cs-norfolk
            lawfulBasis:
              article6: 6(1)(e) public task
            validity:
              from: 2026-01-01
              until: 2028-12-31
            reviewDate: 2027-09-30
            retention: P1Y
            signatories:
              - { name: A Signatory, role: Director, organisation: Somewhere Council, signed: 2025-12-01 }
            rules:
              - id: first
                event: placement-notification
                sender: { kind: childrens-services }
                recipient: { kind: health, area: receiving }
                profile: placement-health
                consent: not-required
            """;

    private final AgreementLoader loader = RealConfig.agreementLoader();

    @TempDir
    Path dir;

    @Test
    void theEventCatalogueComesFromTheRealCodeSystem() {
        EventCatalogue events = RealConfig.events();

        assertThat(events.system()).isEqualTo("https://carebridge.example.org/fhir/CodeSystem/carebridge-event");
        assertThat(events.codes()).hasSize(14).contains("placement-notification", "care-leaver-police-contact",
                "liaison-diversion-health-summary", "custody-notification", "missing-episode");
        assertThat(events.contains(events.system(), "placement-notification")).isTrue();
        assertThat(events.contains("https://elsewhere.example/events", "placement-notification")).isFalse();
    }

    @Test
    void theRealFolderLoadsEveryFlowsAgreements() {
        AgreementSet set = RealConfig.agreements();

        assertThat(set.agreements()).extracting(Agreement::id, Agreement::version, Agreement::retention)
                .containsExactly(
                        tuple("care-leaver-police-contact", 1, Period.ofYears(2)),
                        tuple("clock-breach-alert", 1, Period.ofYears(2)),
                        tuple("copy-withdrawal", 1, Period.ofYears(2)),
                        tuple("custody-notification", 1, Period.ofYears(2)),
                        tuple("diversion-panel-outcome", 1, Period.ofYears(6)),
                        tuple("education-update", 1, Period.ofYears(6)),
                        tuple("liaison-diversion-health-summary", 1, Period.ofYears(3)),
                        tuple("mash-referral", 1, Period.ofYears(7)),
                        tuple("missing-episode", 1, Period.ofYears(7)),
                        tuple("monthly-monitoring-report", 1, Period.ofYears(7)),
                        tuple("out-of-area-justice-contact", 1, Period.ofYears(2)),
                        tuple("placement-notification", 1, Period.ofYears(7)),
                        tuple("prosecution-file-checklist", 1, Period.ofYears(6)),
                        tuple("return-home-interview", 1, Period.ofYears(7)));
        assertThat(set.agreements()).allSatisfy(a -> {
            assertThat(a.title()).isNotBlank();
            assertThat(a.purpose()).isNotBlank();
            assertThat(a.validFrom()).isEqualTo(LocalDate.of(2026, 1, 1));
            assertThat(a.validUntil()).isEqualTo(LocalDate.of(2028, 12, 31));
            assertThat(a.reviewDate()).isEqualTo(LocalDate.of(2027, 9, 30));
            assertThat(a.source()).endsWith(a.id() + ".yaml");
            assertThat(a.lawfulBasis().article6()).isNotBlank();
            assertThat(a.lawfulBasis().summary()).startsWith("UK GDPR 6(1)");
            assertThat(a.signatories()).isNotEmpty().allSatisfy(s -> assertThat(s.signed()).isNotNull());
            assertThat(a.rules()).allSatisfy(r -> assertThat(RealConfig.profiles().get(r.profile())).isPresent());
        });
    }

    @Test
    void thePlacementNotificationAgreementHasItsFourRules() {
        Agreement placement = agreement("placement-notification");

        assertThat(placement.parties()).extracting(PartySelector::kind).containsExactly(
                AgencyKind.CHILDRENS_SERVICES, AgencyKind.HEALTH, AgencyKind.VIRTUAL_SCHOOL, AgencyKind.POLICE);
        assertThat(placement.lawfulBasis().article6()).startsWith("6(1)(c) legal obligation and 6(1)(e) public task");
        assertThat(placement.lawfulBasis().article9()).isEqualTo("9(2)(h) health or social care");
        assertThat(placement.lawfulBasis().dpa2018()).startsWith("Schedule 1 Part 1 para 2");
        assertThat(placement.lawfulBasis().summary()).contains("UK GDPR 6(1)(c)", "9(2)(h)", "DPA 2018 Schedule 1");
        assertThat(placement.signatories()).hasSize(4);
        assertThat(placement.retention()).isEqualTo(Period.parse("P7Y"));
        assertThat(placement.rules()).extracting(SharingRule::id, SharingRule::event, r -> r.recipient().kind(),
                        r -> r.recipient().area(), SharingRule::profile, SharingRule::consent, SharingRule::purpose)
                .containsExactly(
                        tuple("receiving-childrens-services", "placement-notification", AgencyKind.CHILDRENS_SERVICES,
                                AreaRole.RECEIVING, "placement-childrens-services", ConsentRequirement.NOT_REQUIRED, "placement-notification"),
                        tuple("receiving-area-health", "placement-notification", AgencyKind.HEALTH,
                                AreaRole.RECEIVING, "placement-health", ConsentRequirement.NOT_REQUIRED, "placement-notification"),
                        tuple("responsible-virtual-school", "placement-notification", AgencyKind.VIRTUAL_SCHOOL,
                                AreaRole.RESPONSIBLE, "placement-virtual-school", ConsentRequirement.NOT_REQUIRED, "placement-notification"),
                        tuple("receiving-police-when-at-risk", "placement-notification", AgencyKind.POLICE,
                                AreaRole.RECEIVING, "placement-police-risk", ConsentRequirement.NOT_REQUIRED, "placement-notification"));
        assertThat(placement.rules()).allSatisfy(r -> {
            assertThat(r.sender()).isEqualTo(new PartySelector(null, AgencyKind.CHILDRENS_SERVICES, AreaRole.ANY));
            assertThat(r.recipient().partnerId()).isNull();
        });
        SharingRule police = placement.rules().get(3);
        assertThat(police.condition()).startsWith("Bundle.entry.resource.ofType(Flag)");
        assertThat(police.compiledCondition()).isNotNull();
        assertThat(police.conditionText()).isEqualTo("the child carries a current risk flag (child exploitation or high-risk missing)");
        assertThat(placement.rules().subList(0, 3)).allSatisfy(r -> {
            assertThat(r.condition()).isNull();
            assertThat(r.compiledCondition()).isNull();
        });
    }

    @Test
    void theConsentBasedAgreementsCarryTheirConsentRequirementAndPurpose() {
        Agreement careLeaver = agreement("care-leaver-police-contact");
        assertThat(careLeaver.lawfulBasis()).isEqualTo(new LawfulBasis("6(1)(a) consent", null,
                "Part 3 s.35(2)(a) consent of the data subject (law-enforcement processing by the police)"));
        assertThat(careLeaver.retention()).isEqualTo(Period.ofYears(2));
        assertThat(careLeaver.rules()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("former-responsible-authority");
            assertThat(r.sender()).isEqualTo(new PartySelector(null, AgencyKind.POLICE, AreaRole.ANY));
            assertThat(r.recipient()).isEqualTo(new PartySelector(null, AgencyKind.CHILDRENS_SERVICES, AreaRole.RESPONSIBLE));
            assertThat(r.consent()).isEqualTo(ConsentRequirement.REQUIRED);
            assertThat(r.purpose()).isEqualTo("care-leaver-support");
            assertThat(r.profile()).isEqualTo("care-leaver-police-contact");
            assertThat(r.compiledCondition()).isNotNull();
            assertThat(r.conditionText()).isEqualTo("the care leaver is aged 18 to 25");
        });

        Agreement liaison = agreement("liaison-diversion-health-summary");
        assertThat(liaison.lawfulBasis().article9()).startsWith("9(2)(h) health or social care");
        assertThat(liaison.retention()).isEqualTo(Period.ofYears(3));
        assertThat(liaison.rules()).extracting(r -> r.id()).containsExactly("youth-justice-service", "police-custody", "childrens-services");
        assertThat(liaison.rules()).allSatisfy(r -> assertThat(r.consent()).isEqualTo(ConsentRequirement.REQUIRED_UNLESS_SAFEGUARDING));
        assertThat(liaison.rules()).first().satisfies(r -> {
            assertThat(r.id()).isEqualTo("youth-justice-service");
            assertThat(r.recipient()).isEqualTo(new PartySelector(null, AgencyKind.YOUTH_JUSTICE, AreaRole.SENDER));
            assertThat(r.consent()).isEqualTo(ConsentRequirement.REQUIRED_UNLESS_SAFEGUARDING);
            assertThat(r.purpose()).isEqualTo("liaison-and-diversion");
            assertThat(r.condition()).isNull();
        });
    }

    @Test
    void aSmallValidFileLoadsWithItsDefaults() throws IOException {
        Agreement a = loader.read(write("a.yaml", VALID));

        assertThat(a.id()).isEqualTo("test-agreement");
        assertThat(a.parties()).containsExactly(
                new PartySelector(null, AgencyKind.CHILDRENS_SERVICES, AreaRole.ANY),
                new PartySelector("cs-norfolk", null, AreaRole.ANY));
        assertThat(a.lawfulBasis()).isEqualTo(new LawfulBasis("6(1)(e) public task", null, null));
        assertThat(a.retention()).isEqualTo(Period.ofYears(1));
        assertThat(a.signatories()).containsExactly(new Signatory("A Signatory", "Director", "Somewhere Council", LocalDate.of(2025, 12, 1)));
        assertThat(a.rules()).singleElement().satisfies(r -> {
            assertThat(r.purpose()).as("a rule without its own purpose takes the agreement's purposeCode").isEqualTo("testing");
            assertThat(r.condition()).isNull();
            assertThat(r.consent()).isEqualTo(ConsentRequirement.NOT_REQUIRED);
        });
    }

    @Test
    void aRuleMayNameItsOwnPurposeAndARecipientPartnerById() throws IOException {
        Agreement a = loader.read(write("a.yaml", VALID
                .replace("recipient: { kind: health, area: receiving }", "recipient: { partner: health-norfolk }")
                .replace("consent: not-required", "consent: required\n    purpose: own-purpose")));

        assertThat(a.rules()).singleElement().satisfies(r -> {
            assertThat(r.recipient()).isEqualTo(new PartySelector("health-norfolk", null, AreaRole.ANY));
            assertThat(r.purpose()).isEqualTo("own-purpose");
            assertThat(r.consent()).isEqualTo(ConsentRequirement.REQUIRED);
        });
    }

    @Test
    void anOpenEndedValidityIsAllowed() throws IOException {
        Agreement a = loader.read(write("a.yaml", VALID.replace("  until: 2028-12-31\n", "")));

        assertThat(a.validFrom()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(a.validUntil()).isNull();
        assertThat(a.inForceOn(LocalDate.of(2999, 1, 1))).isTrue();
        assertThat(a.validity()).isEqualTo("2026-01-01 to open");
    }

    @Test
    void onlyYamlFilesAreRead() throws IOException {
        write("a.yaml", VALID.replace("id: test-agreement", "id: aaa"));
        write("b.yml", VALID.replace("id: test-agreement", "id: bbb"));
        write("README.md", "not: [an agreement");

        assertThat(loader.load(dir).agreements()).extracting(Agreement::id).containsExactly("aaa", "bbb");
    }

    // --- bad files: each names the file and the line of the problem ---

    @Test
    void anUnknownEventIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replace("event: placement-notification", "event: gossip");

        assertRejected(yaml, "event: gossip", "rule 'first': event 'gossip' is not in the event code system");
    }

    @Test
    void aRetentionThatIsNotAPeriodIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replaceFirst("retention: \\S+", "retention: P");

        assertRejected(yaml, "retention: P", "retention 'P' is not an ISO 8601 period");
    }

    @Test
    void aReviewDateThatIsNotADateIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replaceFirst("reviewDate: \\S+", "reviewDate: next-tuesday");

        assertRejected(yaml, "reviewDate: next-tuesday", "'next-tuesday' is not a date");
    }

    @Test
    void aKeyGivenTwiceIsRejectedAtTheSecond() throws IOException {
        String yaml = VALID + "title: Another title\n";

        assertRejected(yaml, "title: Another title", "key 'title' appears twice");
    }

    @Test
    void aConditionThatIsNotFhirPathIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replace("    consent: not-required",
                "    consent: not-required\n    condition: Bundle.entry.where(\n    conditionText: never");

        assertRejected(yaml, "condition: Bundle.entry.where(", "rule 'first': condition is not valid FHIRPath");
    }

    @Test
    void aConditionWithAnUnknownFunctionIsRejected() throws IOException {
        String yaml = VALID.replace("    consent: not-required",
                "    consent: not-required\n    condition: Bundle.entry.bogus()\n    conditionText: never");

        assertRejected(yaml, "condition: Bundle.entry.bogus()", "rule 'first': condition is not valid FHIRPath");
    }

    @Test
    void aConditionMayCompareTheMessagesAreas() throws IOException {
        String yaml = VALID.replace("    consent: not-required", "    consent: not-required\n"
                + "    condition: (%responsibleArea != %senderArea) or (%receivingArea.exists() and %receivingArea != '%x')\n"
                + "    conditionText: out of area");

        assertThat(loader.read(write("a.yaml", yaml)).rules().get(0).compiledCondition()).isNotNull();
    }

    @Test
    void aConditionWithAnUnknownVariableIsRejectedRatherThanSilentlyFalse() throws IOException {
        String yaml = VALID.replace("    consent: not-required",
                "    consent: not-required\n    condition: '%recievingArea != %senderArea'\n    conditionText: never");

        assertRejected(yaml, "condition: '%recievingArea", "rule 'first': condition uses %recievingArea; the variables a condition may use");
    }

    @Test
    void aConditionWithoutConditionTextIsRejectedByTheSchemaAtTheRule() throws IOException {
        String yaml = VALID.replace("    consent: not-required", "    consent: not-required\n    condition: Bundle.entry.exists()");

        ConfigurationException e = assertRejected(yaml, "- id: first", "conditionText");
        assertThat(e.getMessage()).contains("agreement.schema.json");
    }

    @Test
    void aProfileThatIsNotDefinedIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replace("profile: placement-health", "profile: everything");

        assertRejected(yaml, "profile: everything", "rule 'first': profile 'everything' is not defined in profiles.yaml");
    }

    @Test
    void anUnknownPartnerInThePartiesIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replace("- partner: cs-norfolk", "- partner: cs-atlantis");

        assertRejected(yaml, "partner: cs-atlantis", "partner 'cs-atlantis' is not in the partner registry");
    }

    @Test
    void anUnknownPartnerAsARuleRecipientIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replace("recipient: { kind: health, area: receiving }", "recipient: { partner: health-atlantis }");

        assertRejected(yaml, "recipient: { partner: health-atlantis }", "partner 'health-atlantis' is not in the partner registry");
    }

    @Test
    void theGatewayItselfMayBeASenderButNeverARecipient() throws IOException {
        String sender = VALID.replace("sender: { kind: childrens-services }", "sender: { partner: carebridge-gateway }");
        assertThat(loader.load(write("a.yaml", sender).getParent()).agreements().get(0).rules().get(0).sender().partnerId())
                .isEqualTo("carebridge-gateway");

        String yaml = VALID.replace("recipient: { kind: health, area: receiving }", "recipient: { partner: carebridge-gateway }");
        Files.delete(dir.resolve("a.yaml"));
        assertRejected(yaml, "recipient: { partner: carebridge-gateway }", "the gateway itself may only be a sender");
    }

    @Test
    void aPartyWithBothPartnerAndKindIsRejectedByTheSchema() throws IOException {
        String yaml = VALID.replace("- partner: cs-norfolk", "- { partner: cs-norfolk, kind: health }");

        assertRejected(yaml, "- { partner: cs-norfolk, kind: health }", "$.parties[1]");
    }

    @Test
    void anUnknownConsentValueIsRejectedByTheSchemaAtItsLine() throws IOException {
        String yaml = VALID.replace("consent: not-required", "consent: maybe");

        ConfigurationException e = assertRejected(yaml, "consent: maybe", "$.rules[0].consent");
        assertThat(e.getMessage()).contains("not-required", "required-unless-safeguarding", "agreement.schema.json");
    }

    @Test
    void untilBeforeFromIsRejectedAtTheUntilLine() throws IOException {
        String yaml = VALID.replace("until: 2028-12-31", "until: 2025-12-31");

        assertRejected(yaml, "until: 2025-12-31", "validity.until is before validity.from");
    }

    @Test
    void aFromThatIsNotADateIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replace("from: 2026-01-01", "from: 2026-13-45");

        assertRejected(yaml, "from: 2026-13-45", "'2026-13-45' is not a date (YYYY-MM-DD)");
    }

    @Test
    void aMissingLawfulBasisIsRejectedByTheSchema() throws IOException {
        String yaml = VALID.replace("lawfulBasis:\n  article6: 6(1)(e) public task\n", "");

        // A missing property is reported at the object that lacks it: here the document itself, line 1.
        ConfigurationException e = assertRejected(yaml, "id: test-agreement", "required property 'lawfulBasis' not found");
        assertThat(e.getMessage()).contains("line 1: ");
    }

    @Test
    void aLawfulBasisWithoutArticle6IsRejectedAtTheLawfulBasis() throws IOException {
        String yaml = VALID.replace("  article6: 6(1)(e) public task\n", "  article9: 9(2)(h) health or social care\n");

        // Reported at the object that lacks it, whose mapping starts at its first key.
        assertRejected(yaml, "  article9: 9(2)(h)", "$.lawfulBasis: required property 'article6' not found");
    }

    @Test
    void aVersionThatIsNotAWholeNumberIsRejectedByTheSchema() throws IOException {
        String yaml = VALID.replace("version: 1", "version: 1.5");

        assertRejected(yaml, "version: 1.5", "$.version");
    }

    @Test
    void aRuleIdUsedTwiceIsRejectedAtTheSecond() throws IOException {
        String yaml = VALID + """
                  - id: first
                    event: placement-notification
                    sender: { kind: childrens-services }
                    recipient: { kind: virtual-school, area: responsible }
                    profile: placement-virtual-school
                    consent: not-required
                """;

        write("x.yaml", yaml);

        ConfigurationException e = failure(() -> loader.load(dir));
        int second = lineOf(yaml, "- id: first", 2);
        assertThat(e.getMessage()).contains("line " + second + ": rule 'first' is defined twice");
    }

    @Test
    void invalidYamlIsRejectedAtItsLine() throws IOException {
        String yaml = VALID.replace("purpose: Testing the loader.", "purpose: Testing: the: loader");

        assertRejected(yaml, "purpose: Testing: the: loader", "not valid YAML");
    }

    @Test
    void everyProblemInAFileIsReportedTogetherEachWithItsLine() throws IOException {
        String yaml = VALID
                .replace("- partner: cs-norfolk", "- partner: cs-atlantis")
                .replace("event: placement-notification", "event: gossip")
                .replace("profile: placement-health", "profile: everything");
        Path file = write("x.yaml", yaml);

        ConfigurationException e = failure(() -> loader.load(dir));

        assertThat(e.getMessage()).startsWith(file + ": ");
        assertThat(e.problems()).containsExactly(
                "line " + lineOf(yaml, "partner: cs-atlantis") + ": partner 'cs-atlantis' is not in the partner registry",
                "line " + lineOf(yaml, "event: gossip") + ": rule 'first': event 'gossip' is not in the event code system",
                "line " + lineOf(yaml, "profile: everything") + ": rule 'first': profile 'everything' is not defined in profiles.yaml");
    }

    @Test
    void oneBadFileStopsTheWholeSet() throws IOException {
        write("a-good.yaml", VALID.replace("id: test-agreement", "id: good"));
        Path bad = write("b-bad.yaml", VALID.replace("id: test-agreement", "id: bad").replace("event: placement-notification", "event: gossip"));

        assertThat(failure(() -> loader.load(dir))).hasMessageStartingWith(bad + ": ");
    }

    // --- versions ---

    @Test
    void theSameIdAndVersionWithOverlappingValidityIsRejected() throws IOException {
        Path first = write("a-first.yaml", validity(VALID, "2026-01-01", "2027-12-31"));
        Path second = write("b-second.yaml", validity(VALID, "2027-06-01", "2028-12-31"));

        ConfigurationException e = failure(() -> loader.load(dir));

        assertThat(e.getMessage()).startsWith(second + ": ")
                .contains("agreement 'test-agreement' version 1 is also defined in " + first)
                .contains("overlapping validity (2026-01-01 to 2027-12-31)");
        // Not asserted: "line N". The loader reports this problem without a line (see the report).
    }

    @Test
    void validityPeriodsSharingOneDayOverlap() throws IOException {
        write("a-first.yaml", validity(VALID, "2026-01-01", "2027-12-31"));
        write("b-second.yaml", validity(VALID, "2027-12-31", "2028-12-31"));

        assertThat(failure(() -> loader.load(dir))).hasMessageContaining("overlapping validity");
    }

    @Test
    void anOpenEndedVersionOverlapsEveryLaterPeriod() throws IOException {
        write("a-first.yaml", VALID.replace("  until: 2028-12-31\n", ""));
        write("b-second.yaml", validity(VALID, "2040-01-01", "2041-12-31"));

        assertThat(failure(() -> loader.load(dir))).hasMessageContaining("overlapping validity (2026-01-01 to open)");
    }

    @Test
    void theSameIdAndVersionWithoutOverlapIsAccepted() throws IOException {
        write("a-first.yaml", validity(VALID, "2026-01-01", "2027-12-31"));
        write("b-second.yaml", validity(VALID, "2028-01-01", "2028-12-31"));

        assertThat(loader.load(dir).agreements()).extracting(Agreement::id, Agreement::version, Agreement::validFrom)
                .containsExactly(tuple("test-agreement", 1, LocalDate.of(2026, 1, 1)),
                        tuple("test-agreement", 1, LocalDate.of(2028, 1, 1)));
    }

    @Test
    void aNewVersionMayOverlapTheOldOne() throws IOException {
        write("a-first.yaml", VALID);
        write("b-second.yaml", VALID.replace("version: 1", "version: 2"));

        assertThat(loader.load(dir).agreements()).extracting(Agreement::version).containsExactly(1, 2);
    }

    // --- helpers ---

    private Agreement agreement(String id) {
        return RealConfig.agreements().agreements().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * Writes the YAML as the only file of the folder, loads the folder, and checks the failure names the file and
     * the line holding {@code lineText}, followed by the problem.
     */
    private ConfigurationException assertRejected(String yaml, String lineText, String problem) throws IOException {
        Path file = write("bad.yaml", yaml);
        int line = lineOf(yaml, lineText);

        ConfigurationException e = failure(() -> loader.load(dir));

        assertThat(e.getMessage()).startsWith(file + ": ");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("line " + line + ": ").contains(problem));
        return e;
    }

    static String validity(String yaml, String from, String until) {
        return yaml.replace("from: 2026-01-01", "from: " + from).replace("until: 2028-12-31", "until: " + until);
    }

    /** The 1-based line of the first line containing the text. */
    static int lineOf(String yaml, String text) {
        return lineOf(yaml, text, 1);
    }

    /** The 1-based line of the n-th line containing the text. */
    static int lineOf(String yaml, String text, int occurrence) {
        List<String> lines = yaml.lines().toList();
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text) && ++seen == occurrence) {
                return i + 1;
            }
        }
        throw new AssertionError("'" + text + "' is not in the YAML " + occurrence + " time(s)");
    }

    private static ConfigurationException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(ConfigurationException.class);
        return (ConfigurationException) thrown;
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }
}
