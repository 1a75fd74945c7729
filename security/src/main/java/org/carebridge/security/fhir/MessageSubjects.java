package org.carebridge.security.fhir;

import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.decision.SafeguardingOverride;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Who a message is about, and the sender's safeguarding override if it asserts one. */
public final class MessageSubjects {

    public static final String OVERRIDE_EXTENSION = "https://carebridge.example.org/fhir/StructureDefinition/safeguarding-override";

    private MessageSubjects() {
    }

    /** Every identifier, of a system the gateway knows, of every Patient in the message. */
    public static List<SubjectIdentifier> identifiers(Bundle bundle) {
        List<SubjectIdentifier> subjects = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Patient patient) {
                for (Identifier identifier : patient.getIdentifier()) {
                    if (SubjectIdentifier.knownSystem(identifier.getSystem()) && identifier.getValue() != null) {
                        subjects.add(new SubjectIdentifier(identifier.getSystem(), identifier.getValue()));
                    }
                }
            }
        }
        return subjects;
    }

    /**
     * The override carried on the MessageHeader: extension {@value #OVERRIDE_EXTENSION} with string sub-extensions
     * {@code assertedBy}, {@code role} and {@code reason}, all three required.
     *
     * @throws IllegalArgumentException when the extension is there but incomplete
     */
    public static Optional<SafeguardingOverride> override(MessageHeader header) {
        Extension extension = header.getExtensionByUrl(OVERRIDE_EXTENSION);
        if (extension == null) {
            return Optional.empty();
        }
        String assertedBy = part(extension, "assertedBy");
        String role = part(extension, "role");
        String reason = part(extension, "reason");
        if (assertedBy == null || role == null || reason == null) {
            throw new IllegalArgumentException("The safeguarding override extension needs assertedBy, role and reason (valueString each)");
        }
        return Optional.of(new SafeguardingOverride(assertedBy, role, reason));
    }

    private static String part(Extension extension, String url) {
        Extension part = extension.getExtensionByUrl(url);
        String value = part == null || part.getValue() == null ? null : part.getValue().primitiveValue();
        return value == null || value.isBlank() ? null : value;
    }
}
