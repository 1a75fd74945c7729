package org.carebridge.security.decision;

import org.carebridge.security.RealConfig;
import org.carebridge.security.agreement.RuleCondition;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerEndpoint;
import org.carebridge.security.partner.Transport;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The area variables a rule's condition may compare, as the decision engine gives them to the condition. */
class ConditionAreasTest {

    static final Partner POLICE_NORFOLK = new Partner("police-norfolk", "Norfolk Constabulary", AgencyKind.POLICE, "E10000020",
            new PartnerEndpoint(URI.create("https://h/police-norfolk"), Transport.HTTPS, "fhir-json"), Path.of("x.pem"), Set.of());

    private static final ConditionEvaluator CONDITIONS = new ConditionEvaluator(RealConfig.fhir());

    static MessageFacts facts(String responsible, String receiving) {
        return new MessageFacts("custody-notification", POLICE_NORFOLK, responsible, receiving, new Bundle(), List.of(), null, Instant.EPOCH);
    }

    private static boolean holds(String condition, MessageFacts facts, String recipient) {
        return CONDITIONS.holds(RuleCondition.parse(RuleCondition.engine(RealConfig.fhir()), condition), facts.bundle(),
                ConditionEvaluator.Values.of(facts, LocalDate.of(1970, 1, 1)).forRecipient(recipient));
    }

    @Test
    void theAreasAreGivenAsStrings() {
        MessageFacts placedOut = facts("E10000029", "E10000020");
        assertThat(holds("%responsibleArea = 'E10000029' and %senderArea = 'E10000020' and %receivingArea = 'E10000020'",
                placedOut, "cs-norfolk")).isTrue();
        assertThat(holds("(%responsibleArea != %senderArea) or (%receivingArea != %responsibleArea)", placedOut, "cs-norfolk")).isTrue();
        assertThat(holds("(%responsibleArea != %senderArea)", facts("E10000020", null), "cs-norfolk")).isFalse();
    }

    @Test
    void anUnknownReceivingAreaIsEmpty() {
        assertThat(holds("%receivingArea.exists()", facts("E10000029", null), "cs-norfolk")).isFalse();
        assertThat(holds("%receivingArea.empty()", facts("E10000029", null), "cs-norfolk")).isTrue();
    }

    @Test
    void messageContentThatIsNotAnAreaCodeNeverBecomesFhirPath() {
        MessageFacts injected = facts("E10000029", "x' or true or 'y");
        assertThat(holds("%receivingArea.empty()", injected, "cs-norfolk")).isTrue();
        assertThat(holds("(%receivingArea = %senderArea).empty()", injected, "cs-norfolk")).isTrue();
    }

    @Test
    void aLongerNameIsNotTakenForAVariable() {
        assertThatThrownBy(() -> holds("%senderAreaCode = 'E10000020'", facts("E10000029", null), "cs-norfolk"))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void theRecipientIsGivenAsTheCandidatePartnersId() {
        MessageFacts facts = facts("E10000029", null);
        assertThat(holds("'urn:carebridge:partner:' + %recipient = 'urn:carebridge:partner:yjs-norfolk'", facts, "yjs-norfolk")).isTrue();
        assertThat(holds("%recipient.empty()", facts, "x' or true or 'y")).isTrue();
        assertThatThrownBy(() -> holds("%recipients = 'yjs-norfolk'", facts, "yjs-norfolk")).isInstanceOf(RuntimeException.class);
    }
}
