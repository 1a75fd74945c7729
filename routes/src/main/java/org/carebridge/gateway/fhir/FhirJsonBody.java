package org.carebridge.gateway.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.io.IOException;
import java.io.InputStream;

/**
 * The checks every FHIR JSON body from a partner passes before it is parsed: a bounded read, the content type and the
 * JSON nesting depth. A failed check is a {@link Refused} that each endpoint turns into its own refusal.
 */
public final class FhirJsonBody {

    private static final JsonFactory JSON = new JsonFactory();

    private FhirJsonBody() {
    }

    /** Reads at most {@code maxBytes}; a longer body (declared or actual) is refused unread. */
    public static byte[] readBounded(HttpServletRequest request, int maxBytes) throws IOException {
        if (request.getContentLengthLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return body;
        }
    }

    public static void checkContentType(String contentType) {
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.parseMediaType(contentType);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || !("application".equals(type.getType())
                && ("fhir+json".equals(type.getSubtype()) || "json".equals(type.getSubtype())))) {
            throw new Refused(HttpStatus.UNSUPPORTED_MEDIA_TYPE, IssueType.NOTSUPPORTED, "content-type",
                    "Content-Type must be application/fhir+json");
        }
    }

    /** Well-formed JSON no deeper than {@code maxDepth}, checked by streaming before any tree is built. */
    public static void checkJson(byte[] body, int maxDepth) {
        try (JsonParser parser = JSON.createParser(body)) {
            int depth = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    if (++depth > maxDepth) {
                        throw new Refused(HttpStatus.BAD_REQUEST, IssueType.TOOCOSTLY, "too-deep",
                                "JSON nesting is deeper than the limit of " + maxDepth);
                    }
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
        } catch (JsonParseException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, "bad-json", "The body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, "bad-json", "The body cannot be read as JSON");
        }
    }

    private static Refused tooLarge(int maxBytes) {
        return new Refused(HttpStatus.PAYLOAD_TOO_LARGE, IssueType.TOOCOSTLY, "too-large",
                "The body is larger than the limit of " + maxBytes + " bytes");
    }

    /** A body refused before parsing. The message says what is wrong and is safe to return and to log. */
    public static final class Refused extends RuntimeException {

        private final HttpStatus status;
        private final IssueType issueType;
        private final String reason;

        Refused(HttpStatus status, IssueType issueType, String reason, String diagnostics) {
            super(diagnostics, null, false, false);
            this.status = status;
            this.issueType = issueType;
            this.reason = reason;
        }

        public HttpStatus status() {
            return status;
        }

        public IssueType issueType() {
            return issueType;
        }

        /** A short stable code: content-type, too-deep, bad-json, too-large. */
        public String reason() {
            return reason;
        }
    }
}
