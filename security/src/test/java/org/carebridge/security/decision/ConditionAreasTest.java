package org.carebridge.security.decision;

import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.carebridge.security.partner.Transport;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The area variables a rule's condition may compare, as the decision engine writes them in. */
class ConditionAreasTest {

    static final Partner POLICE_NORFOLK = new Partner("police-norfolk", "Norfolk Constabulary", AgencyKind.POLICE, "E10000020",
            new PartnerEndpoint(URI.create("https://h/police-norfolk"), Transport.HTTPS, "fhir-json"), Path.of("x.pem"), Set.of());

    static MessageFacts facts(String responsible, String receiving) {
        return new MessageFacts("custody-notification", POLICE_NORFOLK, responsible, receiving, new Bundle(), List.of(), null, Instant.EPOCH);
    }

    @Test
    void theAreasAreWrittenInAsLiterals() {
        assertThat(DecisionEngine.withAreas("(%responsibleArea != %senderArea) or (%receivingArea != %responsibleArea)",
                facts("E10000029", "E10000020")))
                .isEqualTo("('E10000029' != 'E10000020') or ('E10000020' != 'E10000029')");
    }

    @Test
    void anUnknownReceivingAreaIsEmpty() {
        assertThat(DecisionEngine.withAreas("%receivingArea.exists()", facts("E10000029", null))).isEqualTo("{}.exists()");
    }

    @Test
    void messageContentThatIsNotAnAreaCodeNeverBecomesFhirPath() {
        assertThat(DecisionEngine.withAreas("%receivingArea = %senderArea", facts("E10000029", "x' or true or 'y")))
                .isEqualTo("{} = 'E10000020'");
    }

    @Test
    void aLongerNameIsNotTakenForAVariable() {
        assertThat(DecisionEngine.withAreas("%senderAreaCode", facts("E10000029", null))).isEqualTo("%senderAreaCode");
    }

    @Test
    void theRecipientIsWrittenInAsTheCandidatePartnersId() {
        assertThat(DecisionEngine.withRecipient("destination.where(endpoint = 'urn:carebridge:partner:' + %recipient).exists()", "yjs-norfolk"))
                .isEqualTo("destination.where(endpoint = 'urn:carebridge:partner:' + 'yjs-norfolk').exists()");
        assertThat(DecisionEngine.withRecipient("%recipient = 'x'", "x' or true or 'y")).isEqualTo("{} = 'x'");
        assertThat(DecisionEngine.withRecipient("%recipients", "yjs-norfolk")).isEqualTo("%recipients");
    }
}
