package org.carebridge.connectors.xml;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Looks at an XML file's prolog before any parser does: a DOCTYPE (and so any entity declaration) refuses the file, so
 * neither external entities (XXE) nor entity expansion can happen. The factory it makes also supports no DTD, as a
 * second guard. {@link #read} is the reading every inbound XML format shares: the prolog, the document, and what may
 * follow its root element, each problem refused in the format's own words.
 */
public final class XmlProlog {

    /** The format's refusal of the whole file, from a reason that never quotes it. */
    @FunctionalInterface
    public interface Refusal {
        RuntimeException refuse(String why);
    }

    /** Reads the document from its start to the end of its root element. */
    @FunctionalInterface
    public interface Document {
        void read(XMLStreamReader xml) throws XMLStreamException;
    }

    public static final int LIMIT = 64 * 1024;

    private XmlProlog() {
    }

    /** A stream that can be looked into before parsing. */
    public static BufferedInputStream buffered(InputStream raw) {
        return new BufferedInputStream(raw, LIMIT + 16);
    }

    /** Why the file is refused before parsing, or null. Never quotes the file. */
    public static String problem(BufferedInputStream in) {
        try {
            in.mark(LIMIT + 8);
            byte[] prolog = in.readNBytes(LIMIT);
            in.reset();
            if (prolog.length == 0) {
                return "the file is empty";
            }
            String text = new String(prolog, StandardCharsets.ISO_8859_1).replace("\u0000", "");
            int root = firstElement(text);
            String before = (root < 0 ? text : text.substring(0, root)).toUpperCase(Locale.ROOT);
            if (before.contains("<!DOCTYPE") || before.contains("<!ENTITY")) {
                return "the XML declares a DOCTYPE; DTDs and entities are refused (XXE and entity expansion)";
            }
            if (root < 0) {
                return "no XML element starts in the first " + LIMIT + " bytes";
            }
            return null;
        } catch (IOException e) {
            return "the file cannot be read";
        }
    }

    /**
     * Reads an XML file: refused before parsing when its prolog is (see {@link #problem}); then {@code document}; then
     * nothing but comments and whitespace may follow the root element. A file that is not well formed, or ends
     * part-way, is refused with the line the parser stopped on.
     */
    public static void read(InputStream raw, String root, Refusal refusal, Document document) {
        BufferedInputStream in = buffered(raw);
        String problem = problem(in);
        if (problem != null) {
            throw refusal.refuse(problem);
        }
        XMLStreamReader xml = null;
        try {
            xml = factory().createXMLStreamReader(in);
            document.read(xml);
            int event;
            while ((event = xml.next()) != XMLStreamConstants.END_DOCUMENT) {
                if (event == XMLStreamConstants.START_ELEMENT || event == XMLStreamConstants.DTD) {
                    throw refusal.refuse("there is content after the " + root + " element");
                }
            }
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNumber();
            throw refusal.refuse("the XML is not well formed or is truncated" + (line > 0 ? " (line " + line + ")" : ""));
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException e) {
                    // the file was only read
                }
            }
        }
    }

    /**
     * The next event that is not a comment, processing instruction or whitespace. A DTD or entity reference is refused
     * (the prolog check should have caught it), and so is the document ending inside an element.
     */
    public static int next(XMLStreamReader xml, Refusal refusal) throws XMLStreamException {
        int event = xml.next();
        while (event == XMLStreamConstants.COMMENT || event == XMLStreamConstants.SPACE
                || event == XMLStreamConstants.PROCESSING_INSTRUCTION
                || (event == XMLStreamConstants.CHARACTERS && xml.isWhiteSpace())) {
            event = xml.next();
        }
        if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
            throw refusal.refuse("the XML declares a DOCTYPE or uses an entity; refused (XXE and entity expansion)");
        }
        if (event == XMLStreamConstants.END_DOCUMENT) {
            throw refusal.refuse("the XML is truncated: it ends inside an element");
        }
        return event;
    }

    /** A StAX factory that supports no DTD, resolves no external entity and replaces no entity reference. */
    public static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return factory;
    }

    private static int firstElement(String text) {
        for (int i = text.indexOf('<'); i >= 0 && i + 1 < text.length(); i = text.indexOf('<', i + 1)) {
            char c = text.charAt(i + 1);
            if (Character.isLetter(c) || c == '_') {
                return i;
            }
        }
        return -1;
    }
}
