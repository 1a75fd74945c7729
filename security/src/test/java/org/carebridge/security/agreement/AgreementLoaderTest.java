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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class AgreementLoaderTest {

    private static final EventCatalogue EVENTS = RealConfig.events();

    private final AgreementLoader loader = new AgreementLoader(EVENTS.codes());

    @TempDir
    Path dir;

    @Test
    void theEventCatalogueComesFromTheRealCodeSystem() {
        assertThat(EVENTS.system()).isEqualTo("https://carebridge.example.org/fhir/CodeSystem/carebridge-event");
        assertThat(EVENTS.codes()).hasSize(12).contains("placement-notification", "custody-notification", "missing-episode");
        assertThat(EVENTS.contains(EVENTS.system(), "placement-notification")).isTrue();
        assertThat(EVENTS.contains("https://elsewhere.example/events", "placement-notification")).isFalse();
    }

    @Test
    void theRealAgreementsLoad() {
        AgreementSet set = loader.load(RealConfig.agreementsDir());

        assertThat(set.agreements()).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo("placement-notification");
            assertThat(a.version()).isEqualTo(1);
            assertThat(a.title()).isNotBlank();
            assertThat(a.purpose()).isNotBlank();
            assertThat(a.lawfulBasis()).contains("UK GDPR");
            assertThat(a.validFrom()).isEqualTo(LocalDate.of(2026, 1, 1));
            assertThat(a.validUntil()).isEqualTo(LocalDate.of(2028, 12, 31));
            assertThat(a.source()).endsWith("placement-notification.yaml");
            assertThat(a.rules()).containsExactly(
                    new SharingRule("receiving-childrens-services", "placement-notification",
                            AgencyKind.CHILDRENS_SERVICES, AgencyKind.CHILDRENS_SERVICES, AreaRole.RECEIVING),
                    new SharingRule("receiving-area-health", "placement-notification",
                            AgencyKind.CHILDRENS_SERVICES, AgencyKind.HEALTH, AreaRole.RECEIVING),
                    new SharingRule("responsible-virtual-school", "placement-notification",
                            AgencyKind.CHILDRENS_SERVICES, AgencyKind.VIRTUAL_SCHOOL, AreaRole.RESPONSIBLE));
        });
    }

    @Test
    void aRuleWithoutAreaAppliesToAnyAreaAndOpenValidityIsAllowed() throws IOException {
        Path file = write("open.yaml", agreement("open", 2, "", rule("r1", "missing-episode", "police", "childrens-services", null)));

        Agreement a = loader.read(file);

        assertThat(a.validFrom()).isNull();
        assertThat(a.validUntil()).isNull();
        assertThat(a.rules()).singleElement().extracting(SharingRule::recipientArea).isEqualTo(AreaRole.ANY);
    }

    @Test
    void onlyYamlFilesAreRead() throws IOException {
        write("a.yaml", agreement("a", 1, "", rule("r1", "missing-episode", "police", "health", "sender")));
        write("b.yml", agreement("b", 1, "", rule("r1", "missing-episode", "police", "health", "sender")));
        write("README.md", "not: [an agreement");

        assertThat(loader.load(dir).agreements()).extracting(Agreement::id).containsExactly("a", "b");
    }

    @Test
    void anUnknownEventIsRefused() throws IOException {
        Path file = write("x.yaml", agreement("x", 1, "", rule("r1", "gossip", "police", "health", "any")));

        assertProblem(file, "rule 'r1': event 'gossip' is not in the event code system");
    }

    @Test
    void aVersionThatIsNotAWholeNumberIsRefused() throws IOException {
        Path file = write("x.yaml", agreement("x", 1, "", rule("r1", "placement-notification", "childrens-services", "health", "any"))
                .replace("version: 1", "version: 1.5"));

        assertProblem(file, "version must be a whole number from 1");
    }

    @Test
    void aBadKindIsRefused() throws IOException {
        Path file = write("x.yaml", agreement("x", 1, "", rule("r1", "missing-episode", "press", "health", "any")));

        assertProblem(file, "rule 'r1': sender.kind 'press' is not one of " + AgencyKind.codes());
    }

    @Test
    void aBadRecipientKindIsRefused() throws IOException {
        Path file = write("x.yaml", agreement("x", 1, "", rule("r1", "missing-episode", "police", "neighbours", "any")));

        assertProblem(file, "rule 'r1': recipient.kind 'neighbours' is not one of");
    }

    @Test
    void aBadAreaRoleIsRefused() throws IOException {
        Path file = write("x.yaml", agreement("x", 1, "", rule("r1", "missing-episode", "police", "health", "everywhere")));

        assertProblem(file, "rule 'r1': recipient.area 'everywhere' is not one of " + AreaRole.codes());
    }

    @Test
    void untilBeforeFromIsRefused() throws IOException {
        Path file = write("x.yaml", agreement("x", 1, "validity:\n  from: 2026-06-01\n  until: 2026-05-31\n",
                rule("r1", "missing-episode", "police", "health", "any")));

        assertProblem(file, "validity.until is before validity.from");
    }

    @Test
    void aDateThatIsNotADateIsRefused() throws IOException {
        Path file = write("x.yaml", agreement("x", 1, "validity:\n  from: next-tuesday\n",
                rule("r1", "missing-episode", "police", "health", "any")));

        assertProblem(file, "validity.from 'next-tuesday' is not a date (YYYY-MM-DD)");
    }

    @Test
    void missingRulesAreRefused() throws IOException {
        Path file = write("x.yaml", "id: x\nversion: 1\ntitle: No rules\n");

        assertProblem(file, "rules: expected a non-empty list");
    }

    @Test
    void anEmptyRuleListIsRefused() throws IOException {
        Path file = write("x.yaml", "id: x\nversion: 1\ntitle: No rules\nrules: []\n");

        assertProblem(file, "rules: expected a non-empty list");
    }

    @Test
    void aRuleIdUsedTwiceIsRefused() throws IOException {
        Path file = write("x.yaml", agreement("x", 1, "",
                rule("same", "missing-episode", "police", "health", "any") + rule("same", "missing-episode", "police", "childrens-services", "any")));

        assertProblem(file, "rule 'same' is defined twice");
    }

    @Test
    void theSameIdAndVersionInTwoFilesIsRefused() throws IOException {
        write("a-first.yaml", agreement("shared", 3, "", rule("r1", "missing-episode", "police", "health", "any")));
        Path second = write("b-second.yaml", agreement("shared", 3, "", rule("r1", "missing-episode", "police", "health", "any")));

        ConfigurationException e = failure(() -> loader.load(dir));

        assertThat(e.getMessage()).startsWith(second + ": ").contains("agreement 'shared' version 3 is defined twice");
    }

    @Test
    void aNewVersionOfTheSameAgreementIsAllowed() throws IOException {
        write("a-first.yaml", agreement("shared", 1, "", rule("r1", "missing-episode", "police", "health", "any")));
        write("b-second.yaml", agreement("shared", 2, "", rule("r1", "missing-episode", "police", "health", "any")));

        assertThat(loader.load(dir).agreements()).extracting(Agreement::version).containsExactly(1, 2);
    }

    @Test
    void oneBadFileStopsTheWholeSet() throws IOException {
        write("a-good.yaml", agreement("good", 1, "", rule("r1", "missing-episode", "police", "health", "any")));
        Path bad = write("b-bad.yaml", agreement("bad", 1, "", rule("r1", "gossip", "police", "health", "any")));

        assertThat(failure(() -> loader.load(dir))).hasMessageStartingWith(bad + ": ");
    }

    @Test
    void everyProblemInAFileIsReportedTogether() throws IOException {
        Path file = write("x.yaml", "version: 0\nvalidity:\n  from: 2026-06-01\n  until: 2026-01-01\nrules:\n"
                + rule("r1", "gossip", "press", "health", "everywhere")
                + "  - event: missing-episode\n    sender: { kind: police }\n    recipient: { kind: health }\n");

        ConfigurationException e = failure(() -> loader.read(file));

        assertThat(e.problems()).containsExactly(
                "id is missing",
                "version must be a whole number from 1",
                "title is missing",
                "validity.until is before validity.from",
                "rule 'r1': event 'gossip' is not in the event code system",
                "rule 'r1': sender.kind 'press' is not one of " + AgencyKind.codes(),
                "rule 'r1': recipient.area 'everywhere' is not one of " + AreaRole.codes(),
                "rule #2: id is missing");
        assertThat(e.getMessage()).startsWith(file + ": ");
    }

    @Test
    void aFileThatIsNotYamlIsRefused() throws IOException {
        Path file = write("x.yaml", "id: [unclosed\n");

        assertThat(failure(() -> loader.read(file)).getMessage()).startsWith(file + ": ").contains("cannot be read as YAML");
    }

    private void assertProblem(Path file, String problem) {
        ConfigurationException e = failure(() -> loader.load(dir));
        assertThat(e.getMessage()).startsWith(file + ": ").contains(problem);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(problem));
    }

    private static ConfigurationException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(ConfigurationException.class);
        return (ConfigurationException) thrown;
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    static String agreement(String id, int version, String validity, String rules) {
        return "id: " + id + "\nversion: " + version + "\ntitle: Agreement " + id + "\n" + validity + "rules:\n" + rules;
    }

    /** One rule; a null area leaves the recipient's area out. */
    static String rule(String id, String event, String sender, String recipient, String area) {
        return "  - id: " + id + "\n    event: " + event + "\n    sender: { kind: " + sender + " }\n"
                + "    recipient: { kind: " + recipient + (area == null ? "" : ", area: " + area) + " }\n";
    }
}
