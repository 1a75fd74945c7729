package org.carebridge.gateway.consent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.gateway.support.Examples;
import org.carebridge.security.consent.SubjectIdentifier;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.UUID;

/**
 * The example Consents under config/examples. Tests give each one a fresh subject: the database is shared by every
 * test class, and a consent about the examples' children would govern other tests' decisions.
 */
final class ConsentExamples {

    static final String CARE_LEAVER_POLICE_CONTACT = "consent-care-leaver-police-contact.json";
    static final String LIAISON_DIVERSION = "consent-liaison-diversion.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsentExamples() {
    }

    static String text(String file) throws IOException {
        return Files.readString(Examples.CONFIG.resolve("examples").resolve(file));
    }

    static ObjectNode example(String file) throws IOException {
        return (ObjectNode) JSON.readTree(text(file));
    }

    /** The example, about a subject no other test uses. */
    static ObjectNode forFreshSubject(String file, SubjectIdentifier subject) throws IOException {
        return aboutSubject(example(file), subject);
    }

    static ObjectNode aboutSubject(ObjectNode consent, SubjectIdentifier subject) {
        ObjectNode identifier = ((ObjectNode) consent.path("patient")).putObject("identifier");
        identifier.put("system", subject.system());
        identifier.put("value", subject.value());
        return consent;
    }

    static SubjectIdentifier freshSubject() {
        return new SubjectIdentifier(SubjectIdentifier.LA_CHILD_ID_PREFIX + "E10000029", "TEST-" + UUID.randomUUID());
    }

    static String searchPath(SubjectIdentifier subject) {
        return "/fhir/Consent?patient.identifier=" + URLEncoder.encode(subject.system() + "|" + subject.value(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(ObjectNode consent) {
        return consent.toString().getBytes(StandardCharsets.UTF_8);
    }
}
