package org.carebridge.connectors.ctf;

import org.carebridge.connectors.ssda903.RowOutcome;
import org.carebridge.connectors.xml.XmlProlog;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a DfE Common Transfer File ({@code CTfile}) one {@code Pupil} at a time with StAX, handing each pupil's
 * exclusions and attendance to {@link CtfMapper}. A DOCTYPE is refused before the parser sees the file (no XXE, no
 * entity expansion); the parser also supports no DTD. Only the Header and the current pupil are in memory.
 *
 * <p>A file-level problem (not a CTF, truncated, a DOCTYPE, a pupil too large) throws {@link CtfRefused}; outcomes
 * already handed to {@code out} must then be discarded, so callers that store what they map read the file twice.
 */
public final class CtfReader {

    static final String ROOT = "CTfile";
    private static final int TEXT_LIMIT = 4096;
    private static final int PUPIL_ELEMENTS = 5000;

    private final CtfSettings settings;

    public CtfReader(CtfSettings settings) {
        this.settings = settings;
    }

    /** An element with its text (leaves) or children, and the line it starts on. */
    record Element(String name, long line, String text, List<Element> children) {

        Element child(String wanted) {
            return children.stream().filter(c -> c.name.equals(wanted)).findFirst().orElse(null);
        }

        List<Element> all(String wanted) {
            return children.stream().filter(c -> c.name.equals(wanted)).toList();
        }

        /** The trimmed text of a child leaf, or null when it is absent or blank. */
        String value(String wanted) {
            Element child = child(wanted);
            return child == null || child.text == null || child.text.isBlank() ? null : child.text.strip();
        }
    }

    public void read(Path file, Instant mappedAt, Consumer<RowOutcome> out) {
        try (InputStream in = Files.newInputStream(file)) {
            read(in, mappedAt, out);
        } catch (IOException e) {
            throw new CtfRefused("the file cannot be read");
        }
    }

    public void read(InputStream raw, Instant mappedAt, Consumer<RowOutcome> out) {
        Set<String> warned = new LinkedHashSet<>();
        XmlProlog.read(raw, ROOT, CtfRefused::new, xml -> {
            int event = next(xml);
            if (event != XMLStreamConstants.START_ELEMENT || !ROOT.equals(xml.getLocalName())) {
                throw new CtfRefused("the root element must be " + ROOT + " (a DfE Common Transfer File)");
            }
            CtfMapper mapper = null;
            while ((event = next(xml)) != XMLStreamConstants.END_ELEMENT) {
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String name = xml.getLocalName();
                if (name.equals("Header")) {
                    mapper = new CtfMapper(settings, header(element(xml, new int[]{0})), mappedAt);
                } else if (name.equals("CTFpupilData")) {
                    if (mapper == null) {
                        throw new CtfRefused("the Header must come before CTFpupilData");
                    }
                    pupils(xml, mapper, out, warned);
                } else {
                    skip(xml);
                    warn(out, warned, name, "element " + shown(name) + " is not read by CareBridge; ignored");
                }
            }
            if (mapper == null) {
                throw new CtfRefused("the file has no Header");
            }
        });
    }

    private static CtfMapper.School header(Element header) {
        Element source = header.child("SourceSchool");
        if (source == null) {
            throw new CtfRefused("the Header has no SourceSchool");
        }
        String version = header.value("CTFversion");
        return new CtfMapper.School(source.value("LEA"), source.value("Estab"), source.value("URN"), source.value("SchoolName"),
                version == null || !version.matches("[0-9.]{1,8}") ? null : version);
    }

    private void pupils(XMLStreamReader xml, CtfMapper mapper, Consumer<RowOutcome> out, Set<String> warned) throws XMLStreamException {
        int event;
        while ((event = next(xml)) != XMLStreamConstants.END_ELEMENT) {
            if (event != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            String name = xml.getLocalName();
            if (name.equals("Pupil")) {
                mapper.pupil(element(xml, new int[]{0}), out);
            } else {
                skip(xml);
                warn(out, warned, "CTFpupilData/" + name, "element " + shown(name) + " in CTFpupilData is not a Pupil; ignored");
            }
        }
    }

    /** Reads the element the reader is on, to its end; a pupil is small, and bounded so it stays so. */
    private static Element element(XMLStreamReader xml, int[] count) throws XMLStreamException {
        String name = xml.getLocalName();
        long line = xml.getLocation().getLineNumber();
        if (++count[0] > PUPIL_ELEMENTS) {
            throw new CtfRefused("an element starting on line " + line + " holds more than " + PUPIL_ELEMENTS + " elements");
        }
        List<Element> children = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        while (true) {
            int event = next(xml);
            if (event == XMLStreamConstants.START_ELEMENT) {
                children.add(element(xml, count));
            } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                text.append(xml.getText());
                if (text.length() > TEXT_LIMIT) {
                    throw new CtfRefused("element " + shown(name) + " on line " + line + " holds more than " + TEXT_LIMIT + " characters");
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                break;
            }
        }
        return new Element(name, line, children.isEmpty() ? text.toString() : null, List.copyOf(children));
    }

    private static void skip(XMLStreamReader xml) throws XMLStreamException {
        for (int depth = 1; depth > 0; ) {
            int event = next(xml);
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    private static int next(XMLStreamReader xml) throws XMLStreamException {
        return XmlProlog.next(xml, CtfRefused::new);
    }

    private static void warn(Consumer<RowOutcome> out, Set<String> warned, String key, String message) {
        if (warned.add(key)) {
            out.accept(new RowOutcome("XML", 0, RowOutcome.Status.WARNING, null, message, null, null, null));
        }
    }

    static String shown(String name) {
        return name.matches("[A-Za-z0-9_]{1,40}") ? name : "(an element name that is not a CTF name)";
    }
}
