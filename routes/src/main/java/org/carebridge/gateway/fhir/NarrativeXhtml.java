package org.carebridge.gateway.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The narratives ({@code text.div}) of a Bundle's entries, read with the JDK's StAX reader rather than by HAPI, whose
 * XHTML parser fills a table of some 2,000 HTML entities for every {@code div} (in a method too large to be compiled,
 * about a millisecond each). Only a narrative HAPI would read the same way is taken here: well-formed XML whose root is
 * a {@code div} in the XHTML namespace, with lower-case names, no DTD, no entity other than XML's own five, no CDATA,
 * no processing instruction and no other namespace. Anything else stays in the tree for HAPI to accept or refuse
 * exactly as before. DTDs are off, so nothing is expanded or fetched.
 *
 * <p>Each thread reads with one reader of its own, handed out again once closed ({@link Readers}), since building a
 * reader costs more than reading a narrative with it.
 */
public final class NarrativeXhtml {

    private static final String XHTML_NS = "http://www.w3.org/1999/xhtml";
    /** HAPI's XhtmlNode skips a value that is one processing instruction, unparsed. */
    static final String PLACEHOLDER = "<?carebridge-narrative?>";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*");
    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z][a-z0-9-]*");
    private static final ThreadLocal<Readers> READERS = ThreadLocal.withInitial(Readers::new);

    private NarrativeXhtml() {
    }

    /**
     * Takes each entry resource's narrative that this reader accepts out of the tree, leaving the placeholder that HAPI
     * does not parse. Call {@link Taken#restore} once HAPI has read the tree.
     */
    public static Taken take(ObjectNode bundle) {
        Taken taken = new Taken();
        JsonNode entries = bundle.get("entry");
        if (entries == null || !entries.isArray()) {
            return taken;
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonNode resource = entries.get(i).path("resource");
            if (!resource.path("resourceType").isTextual() || !(resource.path("text") instanceof ObjectNode text)
                    || !(text.get("div") instanceof TextNode div)) {
                continue;
            }
            XhtmlNode node = read(div.textValue());
            if (node != null) {
                taken.add(i, text, div, node);
                text.put("div", PLACEHOLDER);
            }
        }
        return taken;
    }

    /**
     * HAPI's model of a narrative, or null when this reader leaves it to HAPI. Mirrors HAPI's reading: the value is
     * trimmed, and the node keeps the root's attributes (its {@code xmlns} among them), text and comments.
     */
    static XhtmlNode read(String value) {
        String xml = value.trim();
        if (!xml.startsWith("<div") || xml.contains("<![CDATA[")) {
            return null; // the JDK's reader reports CDATA as text; HAPI reads it otherwise
        }
        XMLStreamReader reader = null;
        try {
            reader = reader(xml);
            Deque<XhtmlNode> open = new ArrayDeque<>();
            StringBuilder text = new StringBuilder();
            XhtmlNode root = null;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event != XMLStreamConstants.CHARACTERS && event != XMLStreamConstants.SPACE && !text.isEmpty()) {
                    open.peek().addText(text.toString()); // one text node per run, as HAPI makes it
                    text.setLength(0);
                }
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (root != null && open.isEmpty()) {
                            return null;
                        }
                        XhtmlNode element = element(reader, open.isEmpty());
                        if (element == null) {
                            return null;
                        }
                        if (open.isEmpty()) {
                            root = element;
                        } else {
                            open.peek().addChildNode(element);
                        }
                        open.push(element);
                    }
                    case XMLStreamConstants.END_ELEMENT -> open.pop();
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE -> {
                        if (open.isEmpty()) {
                            return null;
                        }
                        text.append(reader.getText());
                    }
                    case XMLStreamConstants.COMMENT -> {
                        if (open.isEmpty()) {
                            return null;
                        }
                        open.peek().addComment(reader.getText());
                    }
                    case XMLStreamConstants.END_DOCUMENT -> {
                    }
                    default -> {
                        return null; // DTD, entity reference, CDATA, processing instruction: HAPI's to read
                    }
                }
            }
            // an empty div is HAPI's to read: it keeps no node for one
            return root == null || !root.hasChildren() ? null : root;
        } catch (XMLStreamException | RuntimeException e) {
            return null;
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException e) {
                    // nothing held open: the reader reads a string
                }
            }
        }
    }

    private static XhtmlNode element(XMLStreamReader reader, boolean root) {
        String name = reader.getLocalName();
        String prefix = reader.getPrefix();
        if (!NAME.matcher(name).matches() || (prefix != null && !prefix.isEmpty()) || !XHTML_NS.equals(reader.getNamespaceURI())) {
            return null;
        }
        if (root ? !"div".equals(name) || reader.getNamespaceCount() != 1
                || (reader.getNamespacePrefix(0) != null && !reader.getNamespacePrefix(0).isEmpty())
                : reader.getNamespaceCount() != 0) {
            return null;
        }
        XhtmlNode element = new XhtmlNode(NodeType.Element, name);
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            String attributePrefix = reader.getAttributePrefix(i);
            String local = reader.getAttributeLocalName(i);
            String attribute;
            if (attributePrefix == null || attributePrefix.isEmpty()) {
                attribute = local;
            } else if ("xml".equals(attributePrefix)) {
                attribute = "xml:" + local;
            } else {
                return null;
            }
            if (!ATTRIBUTE.matcher(local).matches()) {
                return null;
            }
            element.getAttributes().put(attribute, reader.getAttributeValue(i));
        }
        if (root) {
            element.getAttributes().put("xmlns", XHTML_NS); // after the attributes, in the order HAPI puts them
        }
        return element;
    }

    /** This thread's reader, over {@code xml}; to be closed when done, so that it can be handed out again. */
    static XMLStreamReader reader(String xml) throws XMLStreamException {
        return READERS.get().open(xml);
    }

    /**
     * One thread's StAX factory, set to hand out its last reader again once that is closed (the JDK factory's
     * {@code reuse-instance}): the reader is reset for each narrative, with the same properties (no DTD, no external
     * entity, no entity replaced) and fresh entity state and limits; a narrative starts with {@code <div}, so never with
     * the XML 1.1 declaration that would switch the reader to XML 1.1. The reader keeps every name it has read in a table
     * of its own, so the factory, reader and table are replaced once {@link #RENEW_AFTER_CHARS} characters have been
     * read: what a thread holds stays bounded, whatever the names in the narratives.
     */
    static final class Readers {

        static final long RENEW_AFTER_CHARS = 1 << 20;
        private static final String REUSE_INSTANCE = "reuse-instance";

        private XMLInputFactory factory = factory();
        private long chars;

        XMLStreamReader open(String xml) throws XMLStreamException {
            chars += xml.length();
            if (chars > RENEW_AFTER_CHARS) {
                factory = factory();
                chars = xml.length();
            }
            return factory.createXMLStreamReader(new StringReader(xml));
        }

        private static XMLInputFactory factory() {
            XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
            factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
            factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
            factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
            factory.setProperty(XMLInputFactory.IS_COALESCING, false);
            if (factory.isPropertySupported(REUSE_INSTANCE)) {
                factory.setProperty(REUSE_INSTANCE, Boolean.TRUE);
            }
            return factory;
        }
    }

    /** The narratives taken from one tree, to be put into HAPI's model of it and back into the tree. */
    public static final class Taken {

        private final List<Integer> entries = new ArrayList<>();
        private final List<ObjectNode> texts = new ArrayList<>();
        private final List<TextNode> divs = new ArrayList<>();
        private final List<XhtmlNode> nodes = new ArrayList<>();

        private void add(int entry, ObjectNode text, TextNode div, XhtmlNode node) {
            entries.add(entry);
            texts.add(text);
            divs.add(div);
            nodes.add(node);
        }

        public boolean isEmpty() {
            return entries.isEmpty();
        }

        /** Puts every narrative back where it was taken from, in the tree as read. */
        public void restore() {
            for (int i = 0; i < texts.size(); i++) {
                texts.get(i).set("div", divs.get(i));
            }
        }

        /**
         * Gives the Bundle HAPI made of the tree the narratives taken from it. False when the model does not have an
         * empty narrative where each was taken (then the caller parses the restored tree as HAPI alone would).
         */
        public boolean putInto(Bundle bundle) {
            for (int i = 0; i < entries.size(); i++) {
                int entry = entries.get(i);
                if (entry >= bundle.getEntry().size()
                        || !(bundle.getEntry().get(entry).getResource() instanceof DomainResource resource)
                        || !resource.hasText() || resource.getText().getDiv().getNodeType() != null) {
                    return false;
                }
            }
            for (int i = 0; i < entries.size(); i++) {
                ((DomainResource) bundle.getEntry().get(entries.get(i)).getResource()).getText().setDiv(nodes.get(i));
            }
            return true;
        }
    }
}
