package org.carebridge.security.consent;

import java.util.Set;

/**
 * An identifier of a child or care leaver. Matching is explicit: two subjects are the same only when system and value
 * are equal; nothing is guessed from names or dates of birth.
 */
public record SubjectIdentifier(String system, String value) {

    public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    /** Followed by the local authority code, e.g. {@code .../la-child-id/E10000029}. */
    public static final String LA_CHILD_ID_PREFIX = "https://carebridge.example.org/fhir/NamingSystem/la-child-id/";
    public static final String POLICE_NATIONAL_COMPUTER = "https://carebridge.example.org/fhir/NamingSystem/pnc-id";

    private static final Set<String> FIXED = Set.of(NHS_NUMBER, POLICE_NATIONAL_COMPUTER);

    /** The identifier systems a subject may be known by. */
    public static boolean knownSystem(String system) {
        return system != null && (FIXED.contains(system)
                || (system.startsWith(LA_CHILD_ID_PREFIX) && system.substring(LA_CHILD_ID_PREFIX.length()).matches("[EWSN]\\d{8}")));
    }

    /** Why the value is not acceptable for its system, or null when it is. */
    public static String problem(String system, String value) {
        if (!knownSystem(system)) {
            return "identifier system '" + system + "' is not one the gateway knows (NHS number, local authority child id, PNC id)";
        }
        if (value == null || value.isBlank()) {
            return "identifier value is missing";
        }
        if (NHS_NUMBER.equals(system) && !validNhsNumber(value)) {
            return "NHS number is not 10 digits with a valid check digit";
        }
        return null;
    }

    /** Ten digits, the last a modulus 11 check digit. */
    public static boolean validNhsNumber(String value) {
        if (value == null || !value.matches("\\d{10}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (value.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == value.charAt(9) - '0';
    }
}
