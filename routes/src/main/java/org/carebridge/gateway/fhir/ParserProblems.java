package org.carebridge.gateway.fhir;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a FHIR parser's complaint may reach a response, a log or the ledger. HAPI's messages quote the offending
 * values (a mistyped birth date, a name), so only its message codes and the names of the elements it names are kept.
 */
public final class ParserProblems {

    private static final Pattern CODE = Pattern.compile("HAPI-\\d{1,5}");
    private static final Pattern ELEMENT = Pattern.compile("(?:element=\"|[Ee]lement ['\"]|element: ['\"]?)([A-Za-z][A-Za-z0-9_.\\[\\]]{0,79})");
    private static final int MAX_PARTS = 5;

    private ParserProblems() {
    }

    /** e.g. "HAPI-1821, element birthDate"; "unreadable" when nothing safe is left. */
    public static String describe(String parserMessage) {
        if (parserMessage == null) {
            return "unreadable";
        }
        Set<String> parts = new LinkedHashSet<>();
        Matcher code = CODE.matcher(parserMessage);
        while (code.find() && parts.size() < MAX_PARTS) {
            parts.add(code.group());
        }
        Matcher element = ELEMENT.matcher(parserMessage);
        while (element.find() && parts.size() < MAX_PARTS) {
            parts.add("element " + element.group(1));
        }
        return parts.isEmpty() ? "unreadable" : String.join(", ", parts);
    }

    /** The sentence a refusal gives for a body the parser would not read. */
    public static String notFhir(String parserMessage) {
        return "The body is not a valid FHIR R4 resource (" + describe(parserMessage)
                + "): a value does not match its FHIR type, or an element is unknown or misplaced";
    }
}
