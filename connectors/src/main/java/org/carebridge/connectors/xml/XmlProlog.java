package org.carebridge.connectors.xml;

import javax.xml.stream.XMLInputFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Looks at an XML file's prolog before any parser does: a DOCTYPE (and so any entity declaration) refuses the file, so
 * neither external entities (XXE) nor entity expansion can happen. The factory it makes also supports no DTD, as a
 * second guard.
 */
public final class XmlProlog {

    public static final int LIMIT = 64 * 1024;

    private XmlProlog() {
    }

    /** A stream that can be looked into before parsing. */
    public static BufferedInputStream buffered(java.io.InputStream raw) {
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
