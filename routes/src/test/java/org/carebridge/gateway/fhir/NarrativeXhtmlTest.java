package org.carebridge.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.security.fhir.FhirJsonTree;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A narrative read by {@link NarrativeXhtml} is the node HAPI would make of it; anything else is left to HAPI. */
class NarrativeXhtmlTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String NS = "xmlns=\"http://www.w3.org/1999/xhtml\"";

    @ParameterizedTest
    @ValueSource(strings = {
            "<div " + NS + ">Free-text summary written by the social worker. Never shared.</div>",
            "  <div " + NS + "><p>One &amp; two &lt;3 &gt; &quot;x&quot; &apos;y&apos; &#233; &#x263A;</p><!-- a note --></div>\n",
            "<div " + NS + " xml:lang=\"en-GB\"><table class=\"grid\"><tr><td colspan=\"2\" style=\"width: 5em\">a</td></tr></table><br/>  tail  </div>",
            "<div " + NS + ">\n  <h1>Title</h1>\n  <ul><li>one</li><li><b>two</b> <i>three</i></li></ul>\n</div>",
            "<div " + NS + "><script>alert(1)</script><a href=\"https://example.org/?a=1&amp;b=2\" data-x=\"y\">link</a></div>",
            "<div " + NS + ">a&#160;b &amp; &#x263A; <span>x</span>tail<br/>more</div>"
    })
    void readsANarrativeAsHapiDoes(String div) throws Exception {
        XhtmlNode ours = NarrativeXhtml.read(div);
        assertThat(ours).isNotNull();
        String patient = "{\"resourceType\": \"Patient\", \"text\": {\"status\": \"generated\", \"div\": " + quote(div) + "}}";
        XhtmlNode hapis = ((Patient) FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler()).parseResource(patient))
                .getText().getDiv();
        assertThat(shape(ours)).isEqualTo(shape(hapis));
        assertThat(ours.getValueAsString()).isEqualTo(hapis.getValueAsString());
    }

    /** Every node's type, name, attributes and content, in order. */
    private static String shape(XhtmlNode node) {
        StringBuilder shape = new StringBuilder(node.getNodeType() + " " + node.getName() + " "
                + new java.util.TreeMap<>(node.getAttributes()) + " " + node.getContent() + " [");
        node.getChildNodes().forEach(child -> shape.append(shape(child)).append(", "));
        return shape.append(']').toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<div " + NS + ">a&nbsp;b</div>",
            "<!DOCTYPE div [<!ENTITY x \"expanded\">]><div " + NS + ">&x;</div>",
            "<div " + NS + "><!DOCTYPE x></div>",
            "<div " + NS + "><p>unclosed</div>",
            "<div>no namespace</div>",
            "<div xmlns=\"urn:other\">another namespace</div>",
            "<DIV " + NS + ">upper case</DIV>",
            "<div " + NS + "><![CDATA[<b>]]></div>",
            "<div " + NS + "><?pi here?></div>",
            "<div " + NS + "><x:p xmlns:x=\"urn:x\">prefixed</x:p></div>",
            "<div " + NS + "><p xmlns=\"urn:x\">redeclared</p></div>",
            "<div " + NS + ">one</div><div " + NS + ">two</div>",
            "<div " + NS + ">one</div>trailing",
            "<div " + NS + " onClick=\"x\">attribute case</div>",
            "<p " + NS + ">not a div</p>",
            "<div " + NS + "/>",
            "<div " + NS + "></div>",
            "<?carebridge-narrative?>",
            "plain text"
    })
    void leavesAnythingElseToHapi(String div) {
        assertThat(NarrativeXhtml.read(div)).isNull();
    }

    @Test
    void theModelAndTheTreeAreAsHapiAloneMakesThem() throws Exception {
        String body = bundle("<div " + NS + "><p>Kept &amp; read once</p></div>", "<div>no namespace: HAPI's to read</div>");
        ObjectNode tree = (ObjectNode) FhirJsonTree.read(body.getBytes(StandardCharsets.UTF_8));
        String before = tree.toString();

        NarrativeXhtml.Taken taken = NarrativeXhtml.take(tree);
        assertThat(taken.isEmpty()).isFalse();
        assertThat(tree.at("/entry/1/resource/text/div").asText()).isEqualTo(NarrativeXhtml.PLACEHOLDER);
        assertThat(tree.at("/entry/2/resource/text/div").asText()).contains("HAPI's to read");
        Bundle bundle = (Bundle) FhirJsonTree.parse(FHIR, new StrictErrorHandler(), tree);
        taken.restore();
        assertThat(taken.putInto(bundle)).isTrue();

        assertThat(tree.toString()).isEqualTo(before);
        Bundle hapis = (Bundle) FhirJsonTree.parse(FHIR, new StrictErrorHandler(),
                (ObjectNode) FhirJsonTree.read(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(FHIR.newJsonParser().encodeResourceToString(bundle)).isEqualTo(FHIR.newJsonParser().encodeResourceToString(hapis));
        assertThat(((DomainResource) bundle.getEntry().get(1).getResource()).getText().getDiv().allText()).contains("Kept & read once");
    }

    @Test
    void aNarrativeHapiRefusesIsStillRefusedByHapi() throws Exception {
        String body = bundle("<div " + NS + "><p>unclosed</div>", "<div " + NS + ">fine</div>");
        ObjectNode tree = (ObjectNode) FhirJsonTree.read(body.getBytes(StandardCharsets.UTF_8));
        NarrativeXhtml.Taken taken = NarrativeXhtml.take(tree);
        assertThat(tree.at("/entry/1/resource/text/div").asText()).contains("unclosed");
        assertThatThrownBy(() -> FhirJsonTree.parse(FHIR, new StrictErrorHandler(), tree)).isInstanceOf(RuntimeException.class);
        taken.restore();
        assertThat(tree.at("/entry/2/resource/text/div").asText()).isEqualTo("<div " + NS + ">fine</div>");
    }

    @Test
    void aThreadReadsEveryNarrativeWithItsOneReader() throws Exception {
        XMLStreamReader first = NarrativeXhtml.reader("<div " + NS + ">one</div>");
        first.close();
        XMLStreamReader second = NarrativeXhtml.reader("<div " + NS + ">two</div>");
        second.close();
        XMLStreamReader[] elsewhere = new XMLStreamReader[1];
        Thread other = new Thread(() -> {
            try {
                elsewhere[0] = NarrativeXhtml.reader("<div " + NS + ">three</div>");
                elsewhere[0].close();
            } catch (XMLStreamException e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        other.join();

        assertThat(second).isSameAs(first);
        assertThat(elsewhere[0]).isNotNull().isNotSameAs(first);
    }

    /** What one narrative did to the reader (a DTD, an entity, an error half-way) is gone by the next. */
    @Test
    void theReaderHandedOutAgainKeepsItsProtectionsAndForgetsTheLastNarrative() throws Exception {
        String good = "<div " + NS + "><p>One &amp; two</p></div>";
        XhtmlNode expected = NarrativeXhtml.read(good);
        assertThat(expected).isNotNull();
        for (String bad : new String[]{
                "<!DOCTYPE div [<!ENTITY x \"expanded\">]><div " + NS + ">&x;</div>",
                "<div " + NS + "><!DOCTYPE x [<!ENTITY y SYSTEM \"file:///etc/passwd\">]>&y;</div>",
                "<div " + NS + "><p>unclosed</div>",
                "<div " + NS + "><p><b>left open half-way",
                "<div " + NS + ">a&nbsp;b</div>"}) {
            for (int i = 0; i < 3; i++) {
                assertThat(NarrativeXhtml.read(bad)).as(bad).isNull();
                XhtmlNode again = NarrativeXhtml.read(good);
                assertThat(again).isNotNull();
                assertThat(shape(again)).isEqualTo(shape(expected));
            }
        }
        XMLStreamReader reader = NarrativeXhtml.reader("<!DOCTYPE div [<!ENTITY x \"expanded\">]><div " + NS + ">&x;</div>");
        try {
            assertThat(reader.getProperty(XMLInputFactory.SUPPORT_DTD)).isEqualTo(false);
            assertThat(reader.getProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES)).isEqualTo(false);
            assertThat(reader.getProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES)).isEqualTo(false);
            assertThat(reader.next()).isEqualTo(XMLStreamConstants.DTD);
        } finally {
            reader.close();
        }
    }

    @Test
    void aThreadsReaderIsRenewedOnceItHasReadItsShare() throws Exception {
        XMLStreamReader first = NarrativeXhtml.reader("<div " + NS + ">one</div>");
        first.close();
        String large = "<div " + NS + ">" + "x".repeat((int) NarrativeXhtml.Readers.RENEW_AFTER_CHARS) + "</div>";
        XMLStreamReader renewed = NarrativeXhtml.reader(large);
        renewed.close();
        assertThat(renewed).isNotSameAs(first);
        XMLStreamReader next = NarrativeXhtml.reader("<div " + NS + ">two</div>");
        next.close();
        assertThat(next).isNotSameAs(renewed); // the large narrative used up the renewed reader's share at once
        XMLStreamReader after = NarrativeXhtml.reader("<div " + NS + ">three</div>");
        after.close();
        assertThat(after).isSameAs(next);
    }

    private static String bundle(String firstDiv, String secondDiv) {
        return """
                {"resourceType": "Bundle", "id": "b1", "type": "message", "entry": [
                  {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "MessageHeader", "id": "h",
                    "eventCoding": {"system": "urn:x", "code": "y"}, "source": {"endpoint": "urn:z"}}},
                  {"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Patient", "id": "p",
                    "text": {"status": "generated", "div": %s}}},
                  {"fullUrl": "urn:uuid:3", "resource": {"resourceType": "Observation", "id": "o", "status": "final",
                    "code": {"text": "c"}, "text": {"status": "additional", "div": %s}}}
                ]}""".formatted(quote(firstDiv), quote(secondDiv));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
