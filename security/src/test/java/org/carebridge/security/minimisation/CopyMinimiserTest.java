package org.carebridge.security.minimisation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.carebridge.security.RealConfig;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class CopyMinimiserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLACEMENT = "placement-notification.json";
    private static final String RISK_FLAG = "placement-notification-risk-flag.json";

    private final CopyMinimiser minimiser = RealConfig.minimiser();

    @Test
    void theVirtualSchoolCopyHasNoHealthNoFlagsAndNoFreeText() throws IOException {
        JsonNode copy = minimise(PLACEMENT, "placement-virtual-school");

        assertThat(resourceTypes(copy)).containsExactly("MessageHeader", "Patient", "EpisodeOfCare", "Organization", "Location");
        JsonNode patient = resource(copy, "Patient");
        assertThat(patient.has("text")).isFalse();
        assertThat(patient.has("gender")).as("not in the virtual-school profile").isFalse();
        assertThat(patient.path("birthDate").asText()).isEqualTo("2012-03-14");
        assertThat(patient.path("identifier")).hasSize(2);
        JsonNode address = resource(copy, "Location").path("address");
        assertThat(address.path("city").asText()).isEqualTo("Norwich");
        assertThat(address.path("extension").get(0).path("valueCode").asText()).isEqualTo("E10000020");
        assertThat(resource(copy, "Location").has("type")).isFalse();
        assertThat(resource(copy, "EpisodeOfCare").has("type")).isFalse();
        assertThat(copy.toString()).doesNotContain("Never shared", "Asthma", "\"note\"", "\"text\":{");
    }

    @Test
    void theVirtualSchoolCopyOfARiskFlaggedPlacementHasNoFlagAndNoCondition() throws IOException {
        JsonNode copy = minimise(RISK_FLAG, "placement-virtual-school");

        assertThat(resourceTypes(copy)).doesNotContain("Condition", "Flag");
        assertThat(copy.toString()).doesNotContain("child-exploitation", "Asthma");
    }

    @Test
    void theChildrensServicesCopyKeepsTheConditionCodeButNotItsNote() throws IOException {
        JsonNode copy = minimise(PLACEMENT, "placement-childrens-services");

        JsonNode condition = resource(copy, "Condition");
        // SNOMED's display is the sender's typing, not the gateway's code system: the code travels, the display does not.
        assertThat(condition.path("code").path("coding").get(0).path("code").asText()).isEqualTo("195967001");
        assertThat(condition.path("code").path("coding").get(0).has("display")).isFalse();
        assertThat(condition.path("clinicalStatus").isObject()).isTrue();
        assertThat(condition.path("subject").path("reference").asText()).isEqualTo("urn:uuid:0c9e8d7a-1b2c-4d3e-8f4a-5b6c7d8e9f01");
        assertThat(condition.has("note")).isFalse();
        assertThat(resource(copy, "Patient").has("text")).isFalse();
        assertThat(resource(copy, "Patient").path("gender").asText()).isEqualTo("female");
        assertThat(copy.toString()).doesNotContain("Never shared");
    }

    @Test
    void theMessageHeaderKeepsEventSourceAndFocus() throws IOException {
        JsonNode original = JSON.readTree(RealConfig.exampleText(PLACEMENT));
        JsonNode copy = minimise(PLACEMENT, "placement-virtual-school");

        JsonNode header = copy.path("entry").get(0).path("resource");
        JsonNode originalHeader = original.path("entry").get(0).path("resource");
        assertThat(header.path("resourceType").asText()).isEqualTo("MessageHeader");
        assertThat(header.path("id").asText()).isEqualTo(originalHeader.path("id").asText());
        assertThat(header.path("eventCoding")).isEqualTo(originalHeader.path("eventCoding"));
        assertThat(header.path("source")).isEqualTo(originalHeader.path("source"));
        assertThat(header.path("focus")).isEqualTo(originalHeader.path("focus"));
        assertThat(copy.path("entry").get(0).path("fullUrl").asText()).isEqualTo(original.path("entry").get(0).path("fullUrl").asText());
        assertThat(copy.path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(copy.path("id").asText()).isEqualTo(original.path("id").asText());
        assertThat(copy.path("type").asText()).isEqualTo("message");
        assertThat(copy.path("timestamp").asText()).isEqualTo(original.path("timestamp").asText());
    }

    @Test
    void theFocusOnlyReferencesEntriesTheCopyKeeps() throws IOException {
        ObjectNode bundle = (ObjectNode) JSON.readTree(RealConfig.exampleText(RISK_FLAG));
        // Point the header at the Condition and the Flag as well: the police copy has the Flag but not the Condition.
        ObjectNode header = (ObjectNode) bundle.path("entry").get(0).path("resource");
        header.withArray("focus").addObject().put("reference", "urn:uuid:c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f");
        header.withArray("focus").addObject().put("reference", "Flag/f1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8");
        FieldProfile police = RealConfig.profiles().get("placement-police-risk").orElseThrow();

        JsonNode copy = minimiser.minimise(bundle, police);

        List<String> kept = new ArrayList<>();
        for (JsonNode entry : copy.path("entry")) {
            kept.add(entry.path("fullUrl").asText());
            kept.add(entry.path("resource").path("resourceType").asText() + "/" + entry.path("resource").path("id").asText());
        }
        JsonNode focus = copy.path("entry").get(0).path("resource").path("focus");
        assertThat(focus).extracting(f -> f.path("reference").asText()).containsExactly(
                "urn:uuid:0c9e8d7a-1b2c-4d3e-8f4a-5b6c7d8e9f01",
                "urn:uuid:3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
                "Flag/f1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8");
        assertThat(focus).allSatisfy(f -> assertThat(kept).contains(f.path("reference").asText()));
    }

    @Test
    void theFocusDropsReferencesToLeftOutResources() throws IOException {
        // The liaison message's focus is its Condition; a profile without Condition keeps no focus target.
        JsonNode copy = minimise("liaison-diversion-health-summary.json", "placement-virtual-school");

        assertThat(resourceTypes(copy)).doesNotContain("Condition");
        JsonNode focus = copy.path("entry").get(0).path("resource").path("focus");
        assertThat(focus).noneSatisfy(f -> assertThat(f.path("reference").asText()).isEqualTo("urn:uuid:8b9c0d1e-2f3a-4b4c-8d5e-6f7a8b9c0d1e"));
    }

    @Test
    void thePoliceCopyOfARiskFlaggedPlacementKeepsTheFlagAndDropsTheCondition() throws IOException {
        JsonNode copy = minimise(RISK_FLAG, "placement-police-risk");

        assertThat(resourceTypes(copy)).contains("Flag").doesNotContain("Condition");
        JsonNode flag = resource(copy, "Flag");
        assertThat(flag.path("status").asText()).isEqualTo("active");
        assertThat(flag.path("code").path("coding").get(0).path("code").asText()).isEqualTo("child-exploitation");
        assertThat(flag.path("period").path("start").asText()).isEqualTo("2026-10-01T00:00:00+00:00");
        assertThat(resource(copy, "EpisodeOfCare").path("status").asText()).as("FHIR R4 requires it").isEqualTo("active");
        assertThat(copy.toString()).doesNotContain("Asthma", "195967001", "Never shared");
    }

    @Test
    void everyCopyOfEveryExampleParsesAsAFhirR4Bundle() throws IOException {
        IParser parser = RealConfig.fhir().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        for (String example : List.of(PLACEMENT, RISK_FLAG, "care-leaver-police-contact.json", "liaison-diversion-health-summary.json",
                "liaison-diversion-health-summary-override.json")) {
            for (String name : RealConfig.profiles().names()) {
                byte[] copy = minimiser.minimise(RealConfig.exampleText(example).getBytes(StandardCharsets.UTF_8),
                        RealConfig.profiles().get(name).orElseThrow());

                Bundle bundle = parser.parseResource(Bundle.class, new String(copy, StandardCharsets.UTF_8));

                assertThat(bundle.getType()).as(example + " / " + name).isEqualTo(Bundle.BundleType.MESSAGE);
                assertThat(bundle.getEntryFirstRep().getResource()).isInstanceOf(MessageHeader.class);
            }
        }
    }

    @Test
    void thePoliceCopyReadsBackAsTheResourcesItShouldHave() {
        byte[] copy = minimiser.minimise(RealConfig.exampleText(RISK_FLAG).getBytes(StandardCharsets.UTF_8),
                RealConfig.profiles().get("placement-police-risk").orElseThrow());

        Bundle bundle = RealConfig.fhir().newJsonParser().parseResource(Bundle.class, new String(copy, StandardCharsets.UTF_8));

        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        assertThat(header.getEventCoding().getCode()).isEqualTo("placement-notification");
        assertThat(header.getSource().getEndpoint()).isEqualTo("urn:carebridge:partner:cs-suffolk");
        Patient patient = resource(bundle, Patient.class);
        assertThat(patient.hasText()).isFalse();
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("2012-03-14");
        assertThat(resource(bundle, Location.class).getAddress().getCity()).isEqualTo("Norwich");
        assertThat(resource(bundle, Flag.class).getCode().getCodingFirstRep().getCode()).isEqualTo("child-exploitation");
        assertThat(bundle.getEntry()).noneMatch(e -> e.getResource() instanceof Condition);
    }

    @Test
    void aPrimitivesExtensionGoesWithThePrimitive() throws IOException {
        ObjectNode bundle = (ObjectNode) JSON.readTree(RealConfig.exampleText(PLACEMENT));
        ObjectNode patient = (ObjectNode) bundle.path("entry").get(1).path("resource");
        patient.putObject("_birthDate").putArray("extension").addObject().put("url", "https://example.org/accuracy").put("valueCode", "estimated");
        patient.putObject("_gender").putArray("extension").addObject().put("url", "https://example.org/secret").put("valueString", "SECRET-gender");
        FieldProfile school = RealConfig.profiles().get("placement-virtual-school").orElseThrow();

        JsonNode copy = minimiser.minimise(bundle, school);

        JsonNode kept = resource(copy, "Patient");
        assertThat(kept.path("_birthDate").path("extension").get(0).path("valueCode").asText()).isEqualTo("estimated");
        assertThat(kept.has("_gender")).isFalse();
        assertThat(copy.toString()).doesNotContain("SECRET-gender");
    }

    @Test
    void aChildPathKeepsOnlyThatChild() throws IOException {
        JsonNode bundle = JSON.readTree(RealConfig.exampleText(PLACEMENT));

        JsonNode copy = minimiser.minimise(bundle, FieldProfile.of("city-only", List.of("Location.address.city")));

        assertThat(resourceTypes(copy)).containsExactly("MessageHeader", "Location");
        JsonNode location = resource(copy, "Location");
        assertThat(location.path("address")).isEqualTo(JSON.readTree("{\"city\":\"Norwich\"}"));
        assertThat(location.has("name")).isFalse();
    }

    @Test
    void nothingOfTheOriginalIsChanged() throws IOException {
        JsonNode bundle = JSON.readTree(RealConfig.exampleText(RISK_FLAG));
        JsonNode before = bundle.deepCopy();

        minimiser.minimise(bundle, RealConfig.profiles().get("placement-police-risk").orElseThrow());

        assertThat(bundle).isEqualTo(before);
    }

    private JsonNode minimise(String example, String profile) throws IOException {
        byte[] copy = minimiser.minimise(RealConfig.exampleText(example).getBytes(StandardCharsets.UTF_8),
                RealConfig.profiles().get(profile).orElseThrow());
        return JSON.readTree(copy);
    }

    private static List<String> resourceTypes(JsonNode bundle) {
        return StreamSupport.stream(bundle.path("entry").spliterator(), false)
                .map(e -> e.path("resource").path("resourceType").asText()).toList();
    }

    private static JsonNode resource(JsonNode bundle, String type) {
        return StreamSupport.stream(bundle.path("entry").spliterator(), false).map(e -> e.path("resource"))
                .filter(r -> type.equals(r.path("resourceType").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in the copy"));
    }

    private static <T> T resource(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }
}
